package io.floatd.vrrp.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every keyword of the VRRP part of keepalived 2.2.7's {@code keepalived.conf(5)}, and what floatd does with it.
 *
 * <p>Each keyword is {@link Treatment#IMPLEMENTED} (a handler in {@link ConfigParser}'s tables gives it keepalived's
 * meaning), {@link Treatment#WARNED} (accepted with one warning naming why it cannot change who holds the address)
 * or {@link Treatment#REFUSED} (an error at its file:line, because ignoring it could change who holds the address).
 * A handler always wins over this table: the parser asks here only for keywords it has no handler for.
 *
 * <p>{@link #MAN_PAGE_2_2_7} is floatd's own list of the keywords, written from reading the man page and the
 * keyword registrations of {@code vrrp_parser.c}, {@code global_parser.c} and {@code track_file.c} at tag v2.2.7
 * (the deprecated spellings those files still register are listed too); a test checks each is classified here.
 * Two of the man page's keywords are not registered by Debian's 2.2.7 build: {@code vrrp_ipsets} (built without
 * ipset) and {@code notify_deleted} in {@code vrrp_sync_group} (keepalived says "Unknown keyword").
 */
public final class KeepalivedKeywords {
    private static final String INOTIFY = "watched through inotify, as keepalived does; read every 0.1 s only where inotify"
            + " cannot watch";

    public enum Treatment { IMPLEMENTED, WARNED, REFUSED }

    /** A block of keywords, named as the parser names it in messages. */
    public enum Block {
        TOP("the top level"),
        GLOBAL_DEFS("global_defs"),
        VRRP_INSTANCE("vrrp_instance"),
        AUTHENTICATION("authentication"),
        VRRP_SCRIPT("vrrp_script"),
        TRACK_FILE("track_file"),
        VRRP_TRACK_PROCESS("vrrp_track_process"),
        VRRP_SYNC_GROUP("vrrp_sync_group"),
        GARP_GROUP("garp_group");

        private final String where;

        Block(String where) {
            this.where = where;
        }

        /** How the parser names the block in messages ("vrrp_instance", "the top level"). */
        public String where() {
            return where;
        }

        /** The block the parser calls {@code where}, if any; {@code vrrp_track_file} is track_file's older name. */
        public static Optional<Block> of(String where) {
            if (where.equals("vrrp_track_file")) {
                return Optional.of(TRACK_FILE);
            }
            return Arrays.stream(values()).filter(b -> b.where.equals(where)).findFirst();
        }
    }

    /**
     * @param note for WARNED and REFUSED the reason; for IMPLEMENTED what floatd does differently, or empty
     */
    public record Keyword(Block block, String name, Treatment treatment, String note) {
    }

    // ---- reasons shared by many keywords ----

    private static final String MAIL = "floatd sends no mail (SMTP alerts); use a notify script";
    private static final String SNMP = "floatd has no SNMP agent; its counters are on the status endpoint";
    private static final String DBUS = "floatd has no DBus interface; use floatd status and floatd handover";
    private static final String LVS = "keepalived's load balancer (LVS/IPVS) is not part of floatd";
    private static final String SCHED = "a scheduling or memory hint for keepalived's processes; floatd is one JVM process";
    private static final String NAMES = "names keepalived's processes; floatd is one process";
    private static final String BUFS = "a socket or netlink buffer size of keepalived's; floatd sizes its own";
    private static final String VMAC = "only applies to VMAC interfaces, which floatd does not create (use_vmac is"
            + " ignored with a warning)";
    private static final String FIREWALL = "firewall rules for no_accept and vrrp_strict; floatd never filters traffic to"
            + " the addresses";
    /** use_vmac and its kin: keepalived moves the addresses with a virtual MAC, floatd with the interface's own. */
    private static final String OWN_MAC = "floatd keeps the virtual addresses on the interface with its own MAC and"
            + " announces them with gratuitous ARP/unsolicited NA, which does not change who holds them";
    private static final String STRICT = "keepalived's strict configuration rules (no VIP refused, state MASTER only for"
            + " priority 255, authentication and preempt_delay dropped, each with a warning); floatd installs no no_accept"
            + " firewall rules, so a Master that is not the owner answers on the addresses";
    private static final String RELOAD = "keepalived's reload machinery; floatd reloads on SIGHUP, checking the whole"
            + " file first and keeping the running configuration when it is wrong";
    private static final String BFD = "floatd has no BFD; a peer tracking this node's BFD session would see it down";
    /** An implemented keyword that behaves as in keepalived: nothing to note. */
    private static final String SAME = "";

    private static final Map<Block, Map<String, Keyword>> TABLE = new EnumMap<>(Block.class);

    private static void add(Block block, Treatment t, String note, String... names) {
        Map<String, Keyword> m = TABLE.computeIfAbsent(block, b -> new LinkedHashMap<>());
        for (String name : names) {
            if (m.put(name, new Keyword(block, name, t, note)) != null) {
                throw new IllegalStateException("classified twice: " + block.where() + " " + name);
            }
        }
    }

    private static void implemented(Block block, String note, String... names) {
        add(block, Treatment.IMPLEMENTED, note, names);
    }

    private static void warned(Block block, String reason, String... names) {
        add(block, Treatment.WARNED, reason, names);
    }

    private static void refused(Block block, String reason, String... names) {
        add(block, Treatment.REFUSED, reason, names);
    }

    static {
        Block b = Block.TOP;
        implemented(b, SAME, "global_defs", "vrrp_instance", "vrrp_script");
        implemented(b, INOTIFY, "track_file", "vrrp_track_file");
        implemented(b, SAME, "vrrp_sync_group", "vrrp_track_process");
        warned(b, LVS, "virtual_server", "virtual_server_group", "net_namespace_ipvs");
        warned(b, "only lets ipsets be used in a namespace (for vrrp_ipsets, which floatd ignores)", "namespace_with_ipsets");
        warned(b, "names keepalived's pid files; floatd writes no pid file unless asked on its command line",
                "instance", "use_pid_dir");
        warned(b, "how long keepalived waits for its child processes; floatd has none", "child_wait_time");
        warned(b, "only paces gratuitous ARPs and neighbour adverts per interface; floatd paces them per instance"
                + " (vrrp_garp_interval, garp_master_*)", "garp_group");
        refused(b, "floatd runs in the network namespace it is started in; start it with 'ip netns exec NAME'",
                "net_namespace");
        refused(b, "floatd learns link state from netlink only; a driver that needs polling would hide a link failure",
                "linkbeat_use_polling", "linkbeat_interfaces");
        refused(b, "floatd sets no static addresses, routes or rules; without them this node's network would differ",
                "static_ipaddress", "static_routes", "static_rules", "track_group");
        refused(b, "interface debouncing changes when an instance goes to FAULT", "interface_up_down_delays");
        refused(b, BFD, "bfd_instance");

        b = Block.GLOBAL_DEFS;
        implemented(b, SAME, "router_id", "vrrp_version", "script_user");
        implemented(b, "a script that fails the check is an error at its line, where keepalived disables it at run time",
                "enable_script_security");
        implemented(b, SAME, "vrrp_garp_master_delay", "vrrp_garp_master_repeat", "vrrp_garp_master_refresh",
                "vrrp_garp_master_refresh_repeat", "vrrp_garp_interval");
        implemented(b, "created mode 0600 (keepalived: 0644); lines are dropped and counted while nobody reads;"
                + " no user/group after the path", "notify_fifo", "vrrp_notify_fifo");
        implemented(b, "started when its FIFO exists (again on a reload), with the FIFO's path as its last argument, as"
                + " keepalived does; lines written before it opens the FIFO are dropped (keepalived keeps them); a"
                + " USER [GROUP] after it runs it as that user, as keepalived does", "notify_fifo_script", "vrrp_notify_fifo_script");
        implemented(b, SAME, "vrrp_notify_priority_changes");
        implemented(b, "floatd always drops adverts from addresses not in unicast_peer", "vrrp_check_unicast_src");
        implemented(b, SAME, "vrrp_mcast_group4", "vrrp_mcast_group6", "vrrp_skip_check_adv_addr");
        implemented(b, "as keepalived: an instance whose interface is missing starts in FAULT and is retried (without it,"
                + " a missing interface is an error at its line, at start and on reload)",
                "dynamic_interfaces");
        warned(b, NAMES, "process_names", "process_name", "vrrp_process_name", "checker_process_name",
                "lvs_process_name", "bfd_process_name");
        warned(b, MAIL, "notification_email", "notification_email_from", "smtp_server", "smtp_helo_name",
                "smtp_connect_timeout", "smtp_alert", "smtp_alert_vrrp", "smtp_alert_checker", "no_email_faults",
                "no_checker_emails");
        warned(b, SCHED, "max_auto_priority", "min_auto_priority_delay", "vrrp_priority", "vrrp_no_swap",
                "vrrp_rt_priority", "vrrp_cpu_affinity", "vrrp_rlimit_rttime", "vrrp_rlimit_rtime", "checker_priority",
                "checker_no_swap", "checker_rt_priority", "checker_cpu_affinity", "checker_rlimit_rttime",
                "checker_rlimit_rtime", "bfd_priority", "bfd_no_swap", "bfd_rt_priority", "bfd_cpu_affinity",
                "bfd_rlimit_rttime", "bfd_rlimit_rtime");
        warned(b, SNMP, "snmp_socket", "enable_traps", "enable_snmp_vrrp", "enable_snmp_keepalived", "enable_snmp_rfc",
                "enable_snmp_rfcv2", "enable_snmp_rfcv3", "enable_snmp_checker");
        warned(b, DBUS, "enable_dbus", "dbus_service_name");
        warned(b, LVS, "checker_log_all_failures", "lvs_timeouts", "lvs_flush", "lvs_flush_on_stop", "lvs_flush_onstop",
                "lvs_sync_daemon", "lvs_notify_fifo", "lvs_notify_fifo_script", "rs_init_notifies", "nftables_ipvs",
                "nftables_ipvs_priority", "nftables_ipvs_start_fwmark", "lvs_netlink_cmd_rcv_bufs",
                "lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs", "lvs_netlink_monitor_rcv_bufs_force");
        warned(b, BUFS, "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
                "vrrp_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force",
                "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier");
        warned(b, FIREWALL, "vrrp_iptables", "vrrp_ipsets", "nftables", "nftables_priority", "nftables_ifindex",
                "nftables_counters");
        warned(b, VMAC, "vmac_prefix", "vmac_addr_prefix", "vrrp_garp_extra_if", "vrrp_vmac_garp_intvl");
        warned(b, RELOAD, "reload_check_config", "reload_time_file", "reload_repeat", "reload_file", "include_check",
                "config_save_dir", "tmp_config_directory");
        warned(b, "keepalived's data dump file name; floatd names its own", "data_use_instance");
        warned(b, "only keepalived's static addresses and routes use it, and floatd refuses those; an instance still"
                + " needs 'interface', as in keepalived 2.2.7", "default_interface");
        warned(b, "only stops the kernel's IGMP reports for link-local groups", "disable_local_igmp");
        warned(b, "only paces IPv6 unsolicited neighbour adverts between interfaces", "vrrp_gna_interval");
        warned(b, "only lowers how many gratuitous ARPs a new Master sends", "vrrp_min_garp");
        warned(b, "only logs adverts for unknown VRIDs; floatd counts them (unknown_vrid)", "log_unknown_vrids");
        warned(b, "floatd creates its files with explicit modes", "umask");
        warned(b, "only seeds keepalived's random numbers, for its tests", "random_seed");
        warned(b, "floatd writes each transition to the FIFOs as it happens; on a reload it writes none",
                "fifo_write_vrrp_states_on_reload");
        refused(b, "floatd runs no startup or shutdown script; run it from the service manager"
                + " (ExecStartPre=, ExecStopPost=)", "startup_script", "startup_script_timeout", "shutdown_script",
                "shutdown_script_timeout");
        refused(b, "not implemented: after a healed split these gratuitous ARPs pull the traffic back to the Master",
                "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat");
        refused(b, "changes the Master_Down_Interval, so when a Backup takes over", "vrrp_down_timer_adverts");
        refused(b, "changes how two Masters resolve a split", "vrrp_lower_prio_no_advert", "vrrp_higher_prio_send_advert");
        implemented(b, STRICT, "vrrp_strict");
        refused(b, "delays the first election after boot, so who becomes Master", "vrrp_startup_delay");

        b = Block.VRRP_INSTANCE;
        implemented(b, "its link going down is no FAULT (keepalived: a FAULT unless dont_track_primary); list it in"
                + " track_interface for that", "interface");
        implemented(b, SAME, "state", "virtual_router_id", "priority", "version", "nopreempt", "preempt",
                "preempt_delay", "track_script", "track_interface", "garp_master_delay", "garp_master_repeat",
                "garp_master_refresh", "garp_master_refresh_repeat");
        implemented(b, "fractional with version 3 only (0.01-40.95 s); version 2: 1-255 s", "advert_int");
        implemented(b, SAME, "unicast_src_ip");
        implemented(b, "adverts from addresses not listed are dropped; keepalived checks that only with"
                + " check_unicast_src", "unicast_peer");
        implemented(b, SAME, "authentication");
        implemented(b, "label and no_track are ignored with a warning; brd, peer, home, scope other than global,"
                + " use_vmac and the other options are refused; a word that is not an address is skipped with a"
                + " warning, as keepalived skips it", "virtual_ipaddress");
        implemented(b, "added and removed with virtual_ipaddress, never put in adverts; any address family",
                "virtual_ipaddress_excluded");
        implemented(b, "a USER [GROUP] after the script runs that script as that user (over script_user); an unknown"
                + " user or group drops the script with a warning, as keepalived does", "notify", "notify_master", "notify_backup",
                "notify_fault", "notify_stop");
        implemented(b, INOTIFY, "track_file");
        implemented(b, SAME, "notify_priority_changes");
        implemented(b, "floatd never filters traffic to its addresses, so accept mode is what it always does", "accept");
        implemented(b, "floatd always drops adverts from addresses not in unicast_peer", "check_unicast_src");
        implemented(b, SAME, "track_process", "mcast_src_ip", "mcast_dst_ip", "skip_check_adv_addr");
        warned(b, "keepalived's debug level for the instance; floatd logs by its command line", "debug");
        warned(b, MAIL, "smtp_alert");
        warned(b, LVS, "lvs_sync_daemon_interface");
        warned(b, BUFS, "kernel_rx_buf_size");
        warned(b, VMAC, "garp_extra_if", "vmac_garp_intvl");
        warned(b, OWN_MAC, "use_vmac", "use_vmac_addr", "vmac_xmit_base", "use_ipvlan");
        refused(b, "without peers keepalived's instance goes to FAULT; floatd refuses an instance without peers",
                "unicast_fault_no_peer");
        refused(b, "the advert's checksum would differ from the peer's", "old_unicast_checksum");
        refused(b, "changes which interface addresses an IPv6 instance uses", "native_ipv6");
        refused(b, "floatd does not bind to a VRF; adverts would leave by another route", "vrf");
        implemented(b, "floatd never faults an instance for its own interface's link (track_interface does)",
                "dont_track_primary");
        refused(b, BFD, "track_bfd");
        refused(b, "changes whether losing the source address is a FAULT", "track_src_ip");
        refused(b, "floatd always sends TTL 255, which the peers check", "unicast_ttl");
        refused(b, "removing an address could then remove others on the interface", "promote_secondaries");
        implemented(b, "with the linux-l2 provider; the common ip route/ip rule options (others refused by name);"
                + " a tracked route or rule deleted under a Master is added back at its next re-check (recheck_interval)"
                + " where keepalived drops the instance to BACKUP", "virtual_routes", "virtual_rules");
        refused(b, "floatd never filters traffic to its addresses, so the address would answer where keepalived's"
                + " would not", "no_accept");
        implemented(b, STRICT, "strict_mode");
        refused(b, "changes the Master_Down_Interval, so when a Backup takes over", "down_timer_adverts");
        refused(b, "changes how two Masters resolve a split", "lower_prio_no_advert", "higher_prio_send_advert");
        refused(b, "not implemented: after a healed split these gratuitous ARPs pull the traffic back to the Master",
                "garp_lower_prio_delay", "garp_lower_prio_repeat");
        refused(b, "floatd does not run this script; such scripts often reclaim a cloud address (use floating_ip)",
                "notify_master_rx_lower_pri", "notify_deleted");
        refused(b, "floatd learns link state from netlink only; a driver that needs polling would hide a link failure",
                "linkbeat_use_polling");

        b = Block.AUTHENTICATION;
        implemented(b, SAME, "auth_type");
        implemented(b, SAME, "auth_pass");

        b = Block.VRRP_SCRIPT;
        implemented(b, SAME, "script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail");

        b = Block.TRACK_FILE;
        implemented(b, SAME, "file", "weight", "init_file");

        b = Block.VRRP_TRACK_PROCESS;
        implemented(b, "process presence is read from /proc", "process", "param_match", "weight", "quorum", "quorum_max",
                "delay", "terminate_delay", "fork_delay", "full_command");

        b = Block.VRRP_SYNC_GROUP;
        implemented(b, SAME, "group", "track_interface", "track_script", "track_file", "track_process", "notify",
                "notify_master", "notify_backup", "notify_fault", "notify_stop", "sync_group_tracking_weight");
        implemented(b, "the default of its members' notify_priority_changes, as in keepalived", "notify_priority_changes");
        warned(b, MAIL, "smtp_alert");
        refused(b, "deprecated: write sync_group_tracking_weight (keepalived 2.2.7 reads it as that but reports an"
                + " error, so 'keepalived -t' refuses the file)", "global_tracking");
        refused(b, BFD, "track_bfd");
        refused(b, "floatd does not run this script", "notify_deleted");

        b = Block.GARP_GROUP;
        warned(b, "garp_group is ignored as a whole (one warning for the block)", "garp_interval", "gna_interval",
                "interface", "interfaces");
    }

    /**
     * floatd's list of keepalived 2.2.7's keywords per block, from {@code keepalived.conf(5)} and the parser's
     * registrations (deprecated spellings included).
     */
    public static final Map<Block, List<String>> MAN_PAGE_2_2_7 = manPage();

    private static Map<Block, List<String>> manPage() {
        Map<Block, List<String>> m = new EnumMap<>(Block.class);
        m.put(Block.TOP, words("""
                global_defs vrrp_instance vrrp_script track_file vrrp_track_file vrrp_sync_group vrrp_track_process
                virtual_server virtual_server_group net_namespace net_namespace_ipvs namespace_with_ipsets instance
                use_pid_dir linkbeat_use_polling child_wait_time linkbeat_interfaces track_group static_ipaddress
                static_routes static_rules garp_group interface_up_down_delays bfd_instance"""));
        m.put(Block.GLOBAL_DEFS, words("""
                bfd_cpu_affinity bfd_no_swap bfd_priority bfd_process_name bfd_rlimit_rttime bfd_rlimit_rtime
                bfd_rt_priority checker_cpu_affinity checker_log_all_failures checker_no_swap checker_priority
                checker_process_name checker_rlimit_rttime checker_rlimit_rtime checker_rt_priority config_save_dir
                data_use_instance dbus_service_name default_interface disable_local_igmp dynamic_interfaces enable_dbus
                enable_script_security enable_snmp_checker enable_snmp_keepalived enable_snmp_rfc enable_snmp_rfcv2
                enable_snmp_rfcv3 enable_snmp_vrrp enable_traps fifo_write_vrrp_states_on_reload include_check
                log_unknown_vrids lvs_flush lvs_flush_on_stop lvs_flush_onstop lvs_netlink_cmd_rcv_bufs
                lvs_netlink_cmd_rcv_bufs_force lvs_netlink_monitor_rcv_bufs lvs_netlink_monitor_rcv_bufs_force
                lvs_notify_fifo lvs_notify_fifo_script lvs_process_name lvs_sync_daemon lvs_timeouts max_auto_priority
                min_auto_priority_delay nftables nftables_counters nftables_ifindex nftables_ipvs nftables_ipvs_priority
                nftables_ipvs_start_fwmark nftables_priority no_checker_emails no_email_faults notification_email
                notification_email_from notify_fifo notify_fifo_script process_monitor_rcv_bufs
                process_monitor_rcv_bufs_force process_name process_names random_seed reload_check_config reload_file
                reload_repeat reload_time_file router_id rs_init_notifies script_user shutdown_script
                shutdown_script_timeout smtp_alert smtp_alert_checker smtp_alert_vrrp smtp_connect_timeout
                smtp_helo_name smtp_server snmp_socket startup_script startup_script_timeout tmp_config_directory umask
                vmac_addr_prefix vmac_prefix vrrp_check_unicast_src vrrp_cpu_affinity vrrp_down_timer_adverts
                vrrp_garp_extra_if vrrp_vmac_garp_intvl vrrp_garp_interval vrrp_garp_lower_prio_delay
                vrrp_garp_lower_prio_repeat vrrp_garp_master_delay vrrp_garp_master_refresh
                vrrp_garp_master_refresh_repeat vrrp_garp_master_repeat vrrp_gna_interval vrrp_higher_prio_send_advert
                vrrp_ipsets vrrp_iptables vrrp_lower_prio_no_advert vrrp_mcast_group4 vrrp_mcast_group6 vrrp_min_garp
                vrrp_netlink_cmd_rcv_bufs vrrp_netlink_cmd_rcv_bufs_force vrrp_netlink_monitor_rcv_bufs
                vrrp_netlink_monitor_rcv_bufs_force vrrp_no_swap vrrp_notify_fifo vrrp_notify_fifo_script
                vrrp_notify_priority_changes vrrp_priority vrrp_process_name vrrp_rlimit_rttime vrrp_rlimit_rtime
                vrrp_rt_priority vrrp_rx_bufs_multiplier vrrp_rx_bufs_policy vrrp_skip_check_adv_addr
                vrrp_startup_delay vrrp_strict vrrp_version"""));
        m.put(Block.VRRP_INSTANCE, words("""
                accept advert_int authentication check_unicast_src debug dont_track_primary down_timer_adverts
                garp_extra_if vmac_garp_intvl garp_lower_prio_delay garp_lower_prio_repeat garp_master_delay
                garp_master_refresh garp_master_refresh_repeat garp_master_repeat higher_prio_send_advert interface
                kernel_rx_buf_size linkbeat_use_polling lower_prio_no_advert lvs_sync_daemon_interface mcast_dst_ip
                mcast_src_ip native_ipv6 no_accept nopreempt notify notify_backup notify_deleted notify_fault
                notify_master notify_master_rx_lower_pri notify_priority_changes notify_stop old_unicast_checksum
                preempt preempt_delay priority promote_secondaries skip_check_adv_addr smtp_alert state strict_mode
                track_bfd track_file track_interface track_process track_script track_src_ip unicast_fault_no_peer
                unicast_peer unicast_src_ip unicast_ttl use_ipvlan use_vmac use_vmac_addr version virtual_ipaddress
                virtual_ipaddress_excluded virtual_router_id virtual_routes virtual_rules vmac_xmit_base vrf"""));
        m.put(Block.AUTHENTICATION, words("auth_type auth_pass"));
        m.put(Block.VRRP_SCRIPT, words("script interval timeout weight rise fall user init_fail"));
        m.put(Block.TRACK_FILE, words("file weight init_file"));
        m.put(Block.VRRP_TRACK_PROCESS, words("""
                process param_match weight quorum quorum_max delay terminate_delay fork_delay full_command"""));
        m.put(Block.VRRP_SYNC_GROUP, words("""
                group track_interface track_script track_file track_process track_bfd notify notify_master
                notify_backup notify_fault notify_stop notify_deleted smtp_alert global_tracking
                sync_group_tracking_weight notify_priority_changes"""));
        m.put(Block.GARP_GROUP, words("garp_interval gna_interval interface interfaces"));
        return Collections.unmodifiableMap(m);
    }

    private static List<String> words(String text) {
        return List.of(text.strip().split("\\s+"));
    }

    private KeepalivedKeywords() {
    }

    /** What floatd does with {@code name} in {@code block}, if it is one of keepalived's keywords. */
    public static Optional<Keyword> find(Block block, String name) {
        return Optional.ofNullable(TABLE.getOrDefault(block, Map.of()).get(name));
    }

    /** The same, for the block the parser calls {@code where} ("vrrp_instance", "the top level"). */
    public static Optional<Keyword> find(String where, String name) {
        return Block.of(where).flatMap(b -> find(b, name));
    }

    /** The keywords of {@code block} that keepalived knows, whatever floatd does with them. */
    public static java.util.Set<String> names(Block block) {
        return java.util.Set.copyOf(TABLE.getOrDefault(block, Map.of()).keySet());
    }

    /** Every keyword, block by block, in the order above. */
    public static List<Keyword> all() {
        List<Keyword> out = new ArrayList<>();
        TABLE.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    /** How many keywords have each treatment. */
    public static Map<Treatment, Long> counts() {
        Map<Treatment, Long> counts = new EnumMap<>(Treatment.class);
        for (Treatment t : Treatment.values()) {
            counts.put(t, all().stream().filter(k -> k.treatment() == t).count());
        }
        return counts;
    }

    /** The message for a keyword the parser has no handler for: a warning (WARNED) or an error. */
    static String message(Keyword k) {
        return switch (k.treatment()) {
            case WARNED -> "'" + k.name() + "' is ignored: " + k.note();
            case REFUSED -> "floatd does not support '" + k.name() + "' in " + k.block().where() + ": " + k.note();
            // classified as implemented, but this build has no handler for it (yet)
            case IMPLEMENTED -> "floatd does not support '" + k.name() + "' in " + k.block().where() + " yet";
        };
    }

    /** The README's table: one row per keyword, with the counts above it. */
    public static String markdownTable() {
        Map<Treatment, Long> c = counts();
        var out = new StringBuilder();
        out.append("keepalived 2.2.7's VRRP keywords: ").append(all().size()).append(" — ")
                .append(c.get(Treatment.IMPLEMENTED)).append(" implemented, ")
                .append(c.get(Treatment.WARNED)).append(" warned (accepted with one warning), ")
                .append(c.get(Treatment.REFUSED)).append(" refused (an error at file:line).\n\n");
        out.append("| block | keyword | floatd | notes |\n|---|---|---|---|\n");
        for (Keyword k : all()) {
            out.append("| ").append(k.block().where()).append(" | `").append(k.name()).append("` | ")
                    .append(k.treatment().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                    .append(k.note().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }
}
