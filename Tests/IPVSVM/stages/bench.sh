# Benchmarks/ipvs-apply.sh's stage: the same 10,000-destination table applied from an empty
# table through the IPVS module and by `ipvsadm -R`, then 1% of the weights changed both ways.
/bin/ipvs-vm-test bench
