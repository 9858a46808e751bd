# ipvsd's privileged methods against a real polkitd on the VM's system bus (scripts/ipvs-vm
# --polkit --with ipvsd, which puts polkitd, our actions and the users kauser, kaadmin and the
# group kamanage in the VM). Per the authorization contract (DESIGN.md) Reload and Sync, the two
# methods of org.keepalive.Ipvs1 that change something, ask polkit for org.keepalive.ipvs.manage:
#   kauser, unprivileged, is refused both with AccessDenied and can still read everything;
#   root is allowed;
#   a .rules file that lets the group kamanage manage lets its member kaadmin in, and only it.
# Prints PASS/FAIL lines; exits non-zero when anything failed.
source /ipvs-vm/lib.sh
failures=0
action=org.keepalive.ipvs.manage
ipvs=org.keepalive.Ipvs1
root_path=/org/keepalive/Ipvs1

# The group rule goes in before polkitd starts: its rule files are read at start.
cat >/etc/polkit-1/rules.d/49-keepalive-vm-test.rules <<RULES
polkit.addRule(function(action, subject) {
    if (action.id == "$action" && subject.isInGroup("kamanage")) {
        return polkit.Result.YES;
    }
});
RULES

/usr/lib/polkit-1/polkitd --no-debug >/tmp/polkitd.log 2>&1 &
polkitd_pid=$!
ipvsadm -C
ipvsd -f /ipvs-vm/configs/manage.conf >/tmp/ipvsd.log 2>&1 &
ipvsd_pid=$!

finish() {
    kill -9 "$ipvsd_pid" "$polkitd_pid" 2>/dev/null
    wait "$ipvsd_pid" "$polkitd_pid" 2>/dev/null
    ipvsadm -C
    rm -f /etc/polkit-1/rules.d/49-keepalive-vm-test.rules
    echo "polkit stage: $failures failed"
    [ "$failures" = 0 ]
    exit
}
log_tail() {
    tail -20 /tmp/polkitd.log | sed 's/^/polkitd: /'
    tail -20 /tmp/ipvsd.log | sed 's/^/ipvsd: /'
}

if ! wait_until 30 bus_name_owned org.freedesktop.PolicyKit1; then
    fail polkit-polkitd-on-the-bus "org.freedesktop.PolicyKit1 never appeared"
    log_tail
    finish
fi
pass polkit-polkitd-on-the-bus
if ! wait_until 60 bus_name_owned "$ipvs"; then
    fail polkit-ipvsd-on-the-bus "$ipvs never appeared"
    log_tail
    finish
fi
pass polkit-ipvsd-on-the-bus

# as USER dbus-send ARGS...: a call on the system bus as USER (uid, gid and its groups from
# /etc/group); root calls directly.
as() {
    local user=$1
    shift
    if [ "$user" = root ]; then "$@"; else
        setpriv --reuid="$user" --regid="$user" --init-groups "$@"
    fi
}
call() { # user method [args]: prints the reply or the error
    local user=$1 method=$2
    shift 2
    as "$user" dbus-send --system --print-reply --reply-timeout=20000 --dest="$ipvs" "$root_path" \
        "$ipvs.$method" "$@" 2>&1
}
property() { # user property
    as "$1" dbus-send --system --print-reply --dest="$ipvs" "$root_path" org.freedesktop.DBus.Properties.Get \
        "string:$ipvs" "string:$2" 2>&1
}
loaded_at() { property root ConfigLoadedAt | awk '/uint64/ { print $3 }'; }

refused() { # user method: AccessDenied, and polkit (not its absence) said so; the error is the detail
    local reply
    reply=$(call "$1" "$2")
    echo "$reply"
    grep -q 'org.freedesktop.DBus.Error.AccessDenied' <<<"$reply" && ! grep -q 'polkit is not available' <<<"$reply" &&
        detail=$(grep -o 'org.freedesktop.DBus.Error.AccessDenied.*' <<<"$reply" | head -1)
}
allowed() { # user method: a method return
    local reply
    reply=$(call "$1" "$2")
    echo "$reply"
    grep -q '^method return' <<<"$reply"
}
reload_refused_changes_nothing() { # user
    local before after
    before=$(loaded_at)
    refused "$1" Reload || return 1
    after=$(loaded_at)
    echo "ConfigLoadedAt before $before, after $after"
    [ -n "$before" ] && [ "$before" = "$after" ]
}
reload_allowed_reloads() { # user
    local before after
    before=$(loaded_at)
    allowed "$1" Reload || return 1
    after=$(loaded_at)
    echo "ConfigLoadedAt before $before, after $after"
    [ -n "$before" ] && [ -n "$after" ] && [ "$after" -gt "$before" ]
}
sync_allowed_repairs() { # user: a hand change is repaired by the Sync it calls, and counted
    ipvsadm -e -t 10.63.100.1:80 -r 10.63.2.2:80 -m -w 9
    local reply
    reply=$(call "$1" Sync)
    echo "$reply"
    grep -q '^method return' <<<"$reply" || return 1
    ipvsadm -Ln | grep -qE '^  -> 10.63.2.2:80 +Masq +2 ' || { ipvsadm -Ln; return 1; }
}
reads() { # user: properties, GetTable, GetManagedObjects and a service object's properties
    local reply
    reply=$(property "$1" ConfigFile) && grep -q manage.conf <<<"$reply" || { echo "ConfigFile: $reply"; return 1; }
    reply=$(property "$1" CheckdPresent) && grep -q boolean <<<"$reply" || { echo "CheckdPresent: $reply"; return 1; }
    reply=$(call "$1" GetTable) && grep -q '10.63.100.1' <<<"$reply" || { echo "GetTable: $reply"; return 1; }
    reply=$(as "$1" dbus-send --system --print-reply --dest="$ipvs" "$root_path" \
        org.freedesktop.DBus.ObjectManager.GetManagedObjects 2>&1) &&
        grep -q 'org.keepalive.Ipvs1.Service' <<<"$reply" || { echo "GetManagedObjects: $reply"; return 1; }
    local service
    service=$(grep -o "object path \"$root_path/service/[^\"]*\"" <<<"$reply" | head -1 | cut -d'"' -f2)
    reply=$(as "$1" dbus-send --system --print-reply --dest="$ipvs" "$service" org.freedesktop.DBus.Properties.Get \
        string:org.keepalive.Ipvs1.Service string:VirtualServer 2>&1) &&
        grep -q '\[10.63.100.1\]:80' <<<"$reply" || { echo "VirtualServer of $service: $reply"; return 1; }
}
table_has() { ipvsadm -Ln | grep -q "$1"; }
check() { # name command...
    local case_name=$1
    shift
    detail=""
    if "$@" >/tmp/check.out 2>&1; then pass "$case_name${detail:+ ($detail)}"; else
        fail "$case_name" "$(head -c 2000 /tmp/check.out)"
        log_tail
    fi
}

check polkit-table-built wait_until 30 table_has 10.63.2.2:80
check polkit-unprivileged-reload-refused reload_refused_changes_nothing kauser
check polkit-unprivileged-sync-refused refused kauser Sync
check polkit-unprivileged-reads reads kauser
check polkit-root-reload-allowed reload_allowed_reloads root
check polkit-root-sync-allowed sync_allowed_repairs root
check polkit-group-rule-reload-allowed reload_allowed_reloads kaadmin
check polkit-group-rule-sync-allowed sync_allowed_repairs kaadmin
check polkit-outsider-still-refused refused kauser Reload
finish
