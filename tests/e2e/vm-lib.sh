# SPDX-License-Identifier: GPL-2.0
#
# vm-lib.sh: sourced by the scripts the end-to-end tests run inside the VM
# (tests/vm/run --with tests/e2e/vm-lib.sh, then ". /with/vm-lib.sh").

# kr_load: keyrot.ko from /with, with the modules it needs.
kr_load() {
	local m
	for m in gcm chacha20poly1305 aesni_intel udp_tunnel ip6_udp_tunnel; do
		modprobe "$m" || { echo "vm-lib: modprobe $m failed"; return 1; }
	done
	insmod /with/keyrot.ko "$@"
}

# kr_hosts: two hosts, namespaces "a" (10.99.0.1, fd99::1) and "b"
# (10.99.0.2, fd99::2), joined by a veth pair va/vb.
#
# A veth hands each packet to the backlog of the CPU that sent it, so two
# packets sent one after the other from two CPUs may be received in either
# order: the link reorders.  Receive steering (RPS) to one CPU makes the
# link keep order, so an end-to-end test that counts reordering counts
# keyrot's, not the link's.
kr_hosts() {
	ip netns add a && ip netns add b &&
	ip link add va netns a type veth peer name vb netns b &&
	ip -n a addr add 10.99.0.1/24 dev va &&
	ip -n b addr add 10.99.0.2/24 dev vb &&
	ip -n a addr add fd99::1/64 dev va nodad &&
	ip -n b addr add fd99::2/64 dev vb nodad &&
	ip -n a link set lo up && ip -n b link set lo up &&
	ip -n a link set va up && ip -n b link set vb up &&
	ip netns exec a sh -c 'echo 1 >/sys/class/net/va/queues/rx-0/rps_cpus' &&
	ip netns exec b sh -c 'echo 1 >/sys/class/net/vb/queues/rx-0/rps_cpus'
}
