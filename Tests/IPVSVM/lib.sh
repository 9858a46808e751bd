# Helpers the VM's stage scripts source (/ipvs-vm/lib.sh): result lines the host parses, and
# waiting for the kernel table to become what a file says.

# The samples that declare virtual servers (Debian's keepalived package, copied in by the rig).
samples_with_virtual_servers() {
    for sample in /samples/keepalived.conf.*; do
        grep -q '^[[:space:]]*virtual_server[[:space:]]' "$sample" && basename "$sample"
    done
}

pass() { echo "PASS $1"; }
fail() {
    echo "FAIL $1: $2"
    failures=$((${failures:-0} + 1))
}

# The kernel table as `ipvsadm -Ln` shows it, or with extra options (`--stats`).
table() { ipvsadm -Ln "$@"; }

# A table without the connection counts (ActiveConn, InActConn): what the configuration and
# health decide, whatever traffic passed.
without_connections() { sed -E 's/^(  -> [^ ]+ +[A-Za-z]+ +-?[0-9]+) .*$/\1/' "$@"; }

# wait_for_table FILE SECONDS: polls until `ipvsadm -Ln` is FILE (connection counts aside); on
# timeout prints both and their difference and returns 1.
wait_for_table() {
    local deadline=$(($(date +%s) + $2))
    without_connections "$1" >/tmp/table.wanted
    while [ "$(date +%s)" -le "$deadline" ]; do
        table >/tmp/table.now 2>&1
        without_connections /tmp/table.now | cmp -s - /tmp/table.wanted && return 0
        sleep 0.5
    done
    echo "--- expected ($1)"
    cat "$1"
    echo "--- ipvsadm -Ln"
    cat /tmp/table.now
    without_connections /tmp/table.now | diff /tmp/table.wanted -
    return 1
}

# wait_for_stable_table SECONDS [GAP]: polls until two readings GAP seconds apart (default half
# a second) agree and the table has a service; prints it.
wait_for_stable_table() {
    local deadline=$(($(date +%s) + $1)) gap=${2:-0.5} last="" now
    while [ "$(date +%s)" -le "$deadline" ]; do
        now=$(table)
        if [ -n "$last" ] && [ "$now" = "$last" ] && grep -qE '^(TCP|UDP|SCTP|FWM)' <<<"$now"; then
            echo "$now"
            return 0
        fi
        last=$now
        sleep "$gap"
    done
    echo "$now"
    return 1
}

# wait_until SECONDS COMMAND...: polls COMMAND every half second until it succeeds.
wait_until() {
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -le "$deadline" ] || return 1
        sleep 0.5
    done
}

# wait_for_change FILE SECONDS: polls until `ipvsadm -Ln` differs from FILE.
wait_for_change() {
    local deadline=$(($(date +%s) + $2))
    while [ "$(date +%s)" -le "$deadline" ]; do
        table | cmp -s - "$1" || return 0
        sleep 0.5
    done
    return 1
}

# bus_name_owned NAME: true when NAME has an owner on the system bus.
bus_name_owned() {
    dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q 'boolean true'
}
