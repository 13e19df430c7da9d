# shellcheck shell=bash
# tests/e2e: the seed topology in network namespaces (all named $E2E_PREFIX*):
#
#   segment a (bridge br-a in "sw")                      segment b (bridge br-b in "sw")
#   walker-1 eth0 172.16.6.47/24  ---+               +--- demi-1 eth0 172.16.199.114/24
#   walker-2 eth0 172.16.6.249/24 ---+--- router ----+
#                         router eth0 172.16.6.254    eth1 172.16.199.254 (no pod routes)
#
# and one pod per host wired as Calico's CNI plugin does it: a veth named cali + 11 hex
# digits of a hash of the workload, host end with MAC ee:ee:ee:ee:ee:ee and proxy_arp, a
# host route to the pod's /32; in the pod, eth0 with the /32 address from the node's block,
# 169.254.1.1 on-link and the default route through it. The blocks come from the
# BlockAffinity resources of manifests/cluster.yaml.

# name      address/len        seg gateway         pod        pod address
E2E_HOST_TABLE="walker-1 172.16.6.47/24 a 172.16.6.254 busybox-1 192.168.187.211
walker-2 172.16.6.249/24 a 172.16.6.254 busybox-2 192.168.135.74
demi-1 172.16.199.114/24 b 172.16.199.254 busybox-3 192.168.121.2"

HOSTS=()
PODS=()
declare -A H_IP=() H_LEN=() H_SEG=() H_GW=() H_POD=() H_PODIP=() H_BLOCK=() H_CALI=()
declare -A POD_HOST=()

ip_to_int() {
    local a b c d
    IFS=. read -r a b c d <<<"$1"
    echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

in_cidr() { # in_cidr ADDR CIDR
    local len=${2#*/} mask
    mask=$(((0xffffffff << (32 - len)) & 0xffffffff))
    (($(($(ip_to_int "$1") & mask)) == $(($(ip_to_int "${2%/*}") & mask))))
}

# BlockAffinity documents of a manifest: "node cidr" lines. Reads the flat layout of
# manifests/cluster.yaml (kind at column 0, spec fields indented by two).
block_affinities() {
    awk '/^---/ { kind = ""; node = ""; cidr = "" }
         /^kind:/ { kind = $2 }
         /^  node:/ { node = $2 }
         /^  cidr:/ { cidr = $2 }
         kind == "BlockAffinity" && node != "" && cidr != "" { print node, cidr; node = ""; cidr = "" }' "$1"
}

# Calico names the host end of a workload's veth "cali" + the first 11 hex digits of a
# SHA-1 over the workload endpoint's identity.
cali_name() { printf 'cali%s' "$(printf '%s' "$1" | sha1sum | cut -c1-11)"; }

load_hosts() { # load_hosts CLUSTER_MANIFEST
    local name addr seg gw pod podip node cidr
    declare -A blocks=()
    while read -r node cidr; do blocks[$node]=$cidr; done < <(block_affinities "$1")
    while read -r name addr seg gw pod podip; do
        HOSTS+=("$name")
        PODS+=("$pod")
        H_IP[$name]=${addr%/*}
        H_LEN[$name]=${addr#*/}
        H_SEG[$name]=$seg
        H_GW[$name]=$gw
        H_POD[$name]=$pod
        H_PODIP[$name]=$podip
        POD_HOST[$pod]=$name
        H_CALI[$name]=$(cali_name "default.$pod")
        H_BLOCK[$name]=${blocks[$name]:-}
        if [[ -z ${H_BLOCK[$name]} ]]; then
            echo "e2e: no BlockAffinity for node $name in $1" >&2
            return 1
        fi
        if ! in_cidr "$podip" "${H_BLOCK[$name]}"; then
            echo "e2e: pod $pod address $podip is outside $name's block ${H_BLOCK[$name]}" >&2
            return 1
        fi
    done <<<"$E2E_HOST_TABLE"
}

# ipb NAME: an `ip -batch` of the commands on stdin in namespace NAME (one process instead
# of one per command: much faster in the TCG guest).
ipb() { ip -n "$E2E_PREFIX$1" -batch -; }

topology_up() {
    local n h pod cali p=$E2E_PREFIX
    for n in sw router "${HOSTS[@]}" "${PODS[@]}"; do echo "netns add $p$n"; done | ip -batch - ||
        return 1
    ipb sw <<<"link set lo up
link add br-a type bridge
link add br-b type bridge
link set br-a up
link set br-b up" || return 1
    # router: eth0 on segment a, eth1 on segment b; forwarding, no pod routes
    ipb router <<<"link set lo up
link add eth0 type veth peer name r-a netns ${p}sw
link add eth1 type veth peer name r-b netns ${p}sw
addr add 172.16.6.254/24 dev eth0
addr add 172.16.199.254/24 dev eth1
link set eth0 up
link set eth1 up" || return 1
    nx router sysctl -qw net.ipv4.ip_forward=1
    for h in "${HOSTS[@]}"; do
        # the host on its segment, and its workload as Calico's CNI plugin wires it
        pod=${H_POD[$h]}
        cali=${H_CALI[$h]}
        ipb "$h" <<<"link set lo up
link add eth0 type veth peer name h-$h netns ${p}sw
addr add ${H_IP[$h]}/${H_LEN[$h]} dev eth0
link set eth0 up
route add default via ${H_GW[$h]} dev eth0
link add $cali type veth peer name eth0 netns $p$pod
link set $cali address ee:ee:ee:ee:ee:ee
link set $cali up
route add ${H_PODIP[$h]}/32 dev $cali scope link" || return 1
        nx "$h" sysctl -qw net.ipv4.ip_forward=1 "net.ipv4.conf.$cali.proxy_arp=1" \
            "net.ipv4.neigh.$cali.proxy_delay=0" "net.ipv4.conf.$cali.forwarding=1" || return 1
        ipb "$pod" <<<"link set lo up
addr add ${H_PODIP[$h]}/32 dev eth0
link set eth0 up
route add 169.254.1.1 dev eth0 scope link
route add default via 169.254.1.1 dev eth0" || return 1
    done
    {
        echo "link set r-a master br-a up"
        echo "link set r-b master br-b up"
        for h in "${HOSTS[@]}"; do echo "link set h-$h master br-${H_SEG[$h]} up"; done
    } | ipb sw
}

# The underlay must work before any BGP route matters: each host reaches the others.
check_underlay() {
    local rc=0
    nx walker-1 ping -n -q -c 1 -W 2 "${H_IP[walker-2]}" >/dev/null || rc=1
    nx walker-1 ping -n -q -c 1 -W 2 "${H_IP[demi-1]}" >/dev/null || rc=1
    check $rc "underlay: walker-1 reaches walker-2 (same segment) and demi-1 (via the router)"
}
