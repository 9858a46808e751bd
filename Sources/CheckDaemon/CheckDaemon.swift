// checkd's schedulers and D-Bus objects; see the checkd issue.
