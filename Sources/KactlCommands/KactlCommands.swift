// The KactlCommands module. See Package.swift for its place in the layering.
