function __kactl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __kactl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __kactl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __kactl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __kactl_parse_tokens -S
    set -l unparsed_tokens (__kactl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'kactl'
        __kactl_parse_subcommand 0 'bus-address=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'status'
            __kactl_parse_subcommand 0 'bus-address=' 'json' 'version' 'h/help'
        case 'monitor'
            __kactl_parse_subcommand 0 'bus-address=' 'json' 'stats' 'version' 'h/help'
        case 'reload'
            __kactl_parse_subcommand 1 'bus-address=' 'version' 'h/help'
        case 'set-priority'
            __kactl_parse_subcommand 2 'bus-address=' 'version' 'h/help'
        case 'reset-priority'
            __kactl_parse_subcommand 1 'bus-address=' 'version' 'h/help'
        case 'switchover'
            __kactl_parse_subcommand 1 'bus-address=' 'version' 'h/help'
        case 'drain'
            __kactl_parse_subcommand 2 'bus-address=' 'version' 'h/help'
        case 'enable'
            __kactl_parse_subcommand 2 'bus-address=' 'version' 'h/help'
        case 'disable'
            __kactl_parse_subcommand 2 'bus-address=' 'version' 'h/help'
        case 'config'
            __kactl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'check'
                __kactl_parse_subcommand 0 'f/config=' 'c/config-id=' 'json' 'version' 'h/help'
            case 'lint'
                __kactl_parse_subcommand 0 'f/config=' 'c/config-id=' 'json' 'version' 'h/help'
            case 'dump'
                __kactl_parse_subcommand 0 'f/config=' 'c/config-id=' 'json' 'version' 'h/help'
            end
        case 'scan'
            __kactl_parse_subcommand 1 'seconds=' 'json' 'version' 'h/help'
        case 'genhash'
            __kactl_parse_subcommand 0 'S/use-ssl' 'I/use-sni' 's/server=' 'p/port=' 'u/url=' 'V/use-virtualhost=' 'P/protocol=' 't/timeout=' 'v/verbose' 'version' 'h/help'
        case 'help'
            __kactl_parse_subcommand -r 1 'version'
        end
    end
end

function __kactl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __kactl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __kactl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __kactl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__kactl_tokens -p)
    if test -z "$(__kactl_tokens -t)"
        set -l index (count (__kactl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'kactl' -f
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl" bus-address' -l 'bus-address' -d 'The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'status' -d 'Show which daemons run and every instance, script and server they serve.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'monitor' -d 'Follow the daemons\' signals live: state changes, property changes, daemons up and down.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'reload' -d 'Make every running daemon (or the one named) re-read its configuration.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'set-priority' -d 'Set a VRRP instance\'s priority (1-254) until reset-priority.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'reset-priority' -d 'Give a VRRP instance its configured priority back.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'switchover' -d 'Make a MASTER instance hand its VIPs to the best backup.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'drain' -d 'Stop sending new connections to a real server; existing ones finish.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'enable' -d 'Put a drained or disabled real server back in service.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'disable' -d 'Take a real server out of service whatever its checks say.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'config' -d 'Check, lint or print a keepalived.conf file.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'scan' -d 'List the VRRP routers heard on an interface, and the clashes between them.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'genhash' -d 'Print the MD5 digest of a web page as HTTP_GET/SSL_GET compute it (keepalived\'s genhash).'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl status" bus-address' -l 'bus-address' -d 'The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl status" json' -l 'json' -d 'Print a JSON document (sorted keys; properties under their D-Bus names).'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl status" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl monitor" bus-address' -l 'bus-address' -d 'The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl monitor" json' -l 'json' -d 'Print one JSON object per line.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl monitor" stats' -l 'stats' -d 'Also show what changes with every advert or run: vrrpd\'s Stats, checkd\'s LastRun, ipvsd\'s LastSync.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl monitor" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl monitor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl reload" bus-address' -l 'bus-address' -d 'The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl reload" -eq 1' -fka 'vrrpd checkd ipvsd'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl reload" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl reload" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl set-priority" bus-address' -l 'bus-address' -d 'The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl set-priority" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl set-priority" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl reset-priority" bus-address' -l 'bus-address' -d 'The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl reset-priority" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl reset-priority" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl switchover" bus-address' -l 'bus-address' -d 'The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl switchover" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl switchover" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl drain" bus-address' -l 'bus-address' -d 'The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl drain" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl drain" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl enable" bus-address' -l 'bus-address' -d 'The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl enable" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl enable" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl disable" bus-address' -l 'bus-address' -d 'The D-Bus address to use instead of the system bus (e.g. unix:path=/run/dbus/system_bus_socket).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl disable" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl disable" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl config" -eq 1' -fa 'check' -d 'Print errors and warnings like a compiler; exit 1 when the file would be refused.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl config" -eq 1' -fa 'lint' -d 'Warn about settings that keepalived accepts but that break real setups.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_positional "kactl config" -eq 1' -fa 'dump' -d 'Print the configuration as the daemons understand it: keepalived.conf text, or JSON.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config check" config f' -s 'f' -l 'config' -d 'The configuration file.' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config check" c config-id' -s 'c' -l 'config-id' -d 'Selects @id lines (default: the host name\'s first label).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config check" json' -l 'json' -d 'Print the result as JSON on standard output (same exit status).'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config check" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config lint" config f' -s 'f' -l 'config' -d 'The configuration file.' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config lint" c config-id' -s 'c' -l 'config-id' -d 'Selects @id lines (default: the host name\'s first label).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config lint" json' -l 'json' -d 'Print the findings as JSON on standard output.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config lint" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config lint" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config dump" config f' -s 'f' -l 'config' -d 'The configuration file.' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config dump" c config-id' -s 'c' -l 'config-id' -d 'Selects @id lines (default: the host name\'s first label).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config dump" json' -l 'json' -d 'Print the model as JSON.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config dump" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl config dump" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl scan" seconds' -l 'seconds' -d 'How long to listen, in seconds.' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl scan" json' -l 'json' -d 'Print the survey as JSON.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl scan" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl scan" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" S use-ssl' -s 'S' -l 'use-ssl' -d 'Use SSL (TLS) to connect.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" I use-sni' -s 'I' -l 'use-sni' -d 'Send the virtualhost as SNI (with -S).'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" s server' -s 's' -l 'server' -d 'The server\'s IPv4 or IPv6 address.' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" p port' -s 'p' -l 'port' -d 'The server\'s port (80, or 443 with -S).' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" u url' -s 'u' -l 'url' -d 'The path to fetch.' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" V use-virtualhost' -s 'V' -l 'use-virtualhost' -d 'The Host header to send.' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" P protocol' -s 'P' -l 'protocol' -d 'HTTP protocol: 1.0, 1.0c (1.0 with Connection: close) or 1.1.' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" t timeout' -s 't' -l 'timeout' -d 'Connect and read timeout in seconds.' -rfka ''
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" v verbose' -s 'v' -l 'verbose' -d 'Dump the reply header and body.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" version' -l 'version' -d 'Show the version.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl genhash" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'kactl' -n '__kactl_should_offer_completions_for_flags_or_options "kactl help" version' -l 'version' -d 'Show the version.'
