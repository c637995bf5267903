// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * One kernel UDP socket per network namespace, dual-stack (IPv6 with
 * v6only off, so IPv4 arrives as well), opened when the first flow there is
 * configured: an unused namespace binds no port.  Received datagrams go to
 * receive.c from the socket's encapsulation hook; packets go out with the
 * UDP tunnel helpers, routed per flow with a route cache.
 */

#include "flow.h"
#include "packet.h"

#include <linux/in6.h>
#include <linux/udp.h>
#include <net/dst_cache.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

static int encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct kr_net *kn = rcu_dereference_sk_user_data(sk);

	if (unlikely(!kn)) {
		kfree_skb(skb);
		return 0;
	}
	kr_receive(kn, skb);
	return 0;
}

/**
 * kr_udp_open() - open the namespace's socket on @port, or move it there
 * @kn: the namespace's state
 * @port: the UDP port, host order
 * @old: where to put the socket replaced, for kr_udp_release() once
 *	kr_ctl_lock is dropped; NULL if none can be open
 *
 * A socket already open is replaced only once the new one is bound, so a
 * port in use leaves things as they were; asking for the port it has
 * changes nothing.
 *
 * Context: Process context; holds kr_ctl_lock.
 * Return: 0, or -errno (-EADDRINUSE for a port in use).
 */
int kr_udp_open(struct kr_net *kn, u16 port, struct socket **old)
{
	struct udp_port_cfg port_cfg = {
		.family = AF_INET6,
		.local_ip6 = IN6ADDR_ANY_INIT,
		.local_udp_port = htons(port),
		.ipv6_v6only = 0,
		.use_udp6_tx_checksums = 1,
		.use_udp6_rx_checksums = 1,
	};
	struct udp_tunnel_sock_cfg tunnel_cfg = {
		.sk_user_data = kn,
		.encap_type = 1,
		.encap_rcv = encap_rcv,
	};
	struct socket *sock, *prev;
	int ret;

	lockdep_assert_held(&kr_ctl_lock);
	if (old)
		*old = NULL;
	if (rcu_access_pointer(kn->sock) && port == kn->port)
		return 0;
	ret = udp_sock_create(kn->net, &port_cfg, &sock);
	if (ret == -EAFNOSUPPORT) {
		/* IPv6 is off in this namespace: IPv4 alone. */
		memset(&port_cfg, 0, sizeof(port_cfg));
		port_cfg.family = AF_INET;
		port_cfg.local_udp_port = htons(port);
		ret = udp_sock_create(kn->net, &port_cfg, &sock);
	}
	if (ret)
		return ret;
	setup_udp_tunnel_sock(kn->net, sock, &tunnel_cfg);

	prev = rcu_replace_pointer(kn->sock, sock,
				   lockdep_is_held(&kr_ctl_lock));
	kn->port = port;
	if (old)
		*old = prev;
	else
		WARN_ON_ONCE(prev);
	return 0;
}

/**
 * kr_udp_close() - take the namespace's socket away
 * @kn: the namespace's state
 *
 * Context: Process context; holds kr_ctl_lock.
 * Return: the socket for kr_udp_release() once kr_ctl_lock is dropped.
 */
struct socket *kr_udp_close(struct kr_net *kn)
{
	lockdep_assert_held(&kr_ctl_lock);
	return rcu_replace_pointer(kn->sock, NULL,
				   lockdep_is_held(&kr_ctl_lock));
}

/**
 * kr_udp_release() - close a socket taken away, once no reader remains
 * @sock: from kr_udp_open() or kr_udp_close(), or NULL
 *
 * Context: Process context; may sleep (two grace periods).
 */
void kr_udp_release(struct socket *sock)
{
	if (!sock)
		return;
	synchronize_net();
	udp_tunnel_sock_release(sock);
}

static int xmit4(struct kr_flow *flow, struct sock *sk, struct sk_buff *skb)
{
	struct flowi4 fl = {
		.daddr = flow->peer.addr4.sin_addr.s_addr,
		.fl4_dport = flow->peer.addr4.sin_port,
		.fl4_sport = inet_sk(sk)->inet_sport,
		.flowi4_proto = IPPROTO_UDP,
	};
	struct rtable *rt;

	rt = dst_cache_get_ip4(&flow->dst_cache, &fl.saddr);
	if (!rt) {
		rt = ip_route_output_key(sock_net(sk), &fl);
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		dst_cache_set_ip4(&flow->dst_cache, &rt->dst, fl.saddr);
	}
	skb->ignore_df = 1;
	udp_tunnel_xmit_skb(rt, sk, skb, fl.saddr, fl.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl.fl4_sport,
			    fl.fl4_dport, false, false);
	return 0;
}

static int xmit6(struct kr_flow *flow, struct sock *sk, struct sk_buff *skb)
{
	struct flowi6 fl = {
		.daddr = flow->peer.addr6.sin6_addr,
		.fl6_dport = flow->peer.addr6.sin6_port,
		.fl6_sport = inet_sk(sk)->inet_sport,
		.flowi6_proto = IPPROTO_UDP,
	};
	struct dst_entry *dst;

	if (sk->sk_family != AF_INET6)
		return -EAFNOSUPPORT;
	dst = dst_cache_get_ip6(&flow->dst_cache, &fl.saddr);
	if (!dst) {
		dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl,
						      NULL);
		if (IS_ERR(dst))
			return PTR_ERR(dst);
		dst_cache_set_ip6(&flow->dst_cache, dst, &fl.saddr);
	}
	skb->ignore_df = 1;
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, &fl.saddr, &fl.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl.fl6_sport,
			     fl.fl6_dport, false);
	return 0;
}

/**
 * kr_udp_xmit() - send a sealed packet to the flow's peer
 * @flow: the flow
 * @skb: the packet, header first, with kr_send_headroom() before it
 *
 * Context: Any context.
 * Return: 0 if sent, or -errno with @skb freed.
 */
int kr_udp_xmit(struct kr_flow *flow, struct sk_buff *skb)
{
	struct kr_net *kn;
	struct socket *sock;
	int ret = -ENETDOWN;

	memset(skb->cb, 0, sizeof(skb->cb));
	skb->dev = NULL;
	rcu_read_lock_bh();
	kn = rcu_dereference_bh(flow->kn);
	sock = kn ? rcu_dereference_bh(kn->sock) : NULL;
	if (sock) {
		/* The peer and the route cached for it go together. */
		read_lock_bh(&flow->peer_lock);
		if (flow->peer.addr.sa_family == AF_INET)
			ret = xmit4(flow, sock->sk, skb);
		else if (flow->peer.addr.sa_family == AF_INET6)
			ret = xmit6(flow, sock->sk, skb);
		else
			ret = -EDESTADDRREQ;
		read_unlock_bh(&flow->peer_lock);
	}
	rcu_read_unlock_bh();
	if (ret) {
		net_dbg_ratelimited("flow %u: cannot send: %d\n", flow->id, ret);
		kfree_skb(skb);
	}
	return ret;
}
