// ipvsd's reconcile engine and D-Bus objects; see the ipvsd issue.
