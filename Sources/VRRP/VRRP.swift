// The VRRP module. See Package.swift for its place in the layering.
