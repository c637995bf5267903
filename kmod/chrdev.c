// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * /dev/keyrot: a flow as a file descriptor (uapi/keyrot_dev.h).  open()
 * creates a flow in the opener's network namespace, the last close() tears
 * it down.  write() sends one packet, read() returns one; poll() maps the
 * flags word: EPOLLIN a packet is queued, EPOLLOUT there is room on a flow
 * with a transmit epoch, EPOLLPRI while RB_REKEY is set, EPOLLHUP down,
 * EPOLLRDHUP the peer gone.
 */

#include "chrdev.h"
#include "epoch.h"
#include "flow.h"
#include "packet.h"

#include "../uapi/keyrot.h"
#include "../uapi/keyrot_dev.h"

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

static int kr_open(struct inode *inode, struct file *file)
{
	struct kr_flow *flow;
	u8 access = 0;

	if (file->f_mode & FMODE_READ)
		access |= RB_RD;
	if (file->f_mode & FMODE_WRITE)
		access |= RB_WR;
	flow = kr_flow_create(current->nsproxy->net_ns, access);
	if (IS_ERR(flow))
		return PTR_ERR(flow);
	file->private_data = flow;
	return stream_open(inode, file);
}

static int kr_release(struct inode *inode, struct file *file)
{
	kr_flow_close(file->private_data);
	return 0;
}

static bool nonblocking(struct kiocb *iocb)
{
	return (iocb->ki_flags & IOCB_NOWAIT) ||
	       (iocb->ki_filp->f_flags & O_NONBLOCK);
}

/* One packet, whole, or -EMSGSIZE leaving it queued. */
static struct sk_buff *take_packet(struct kr_flow *flow, size_t room,
				   int *err)
{
	struct sk_buff *skb;

	spin_lock_bh(&flow->rxq.lock);
	skb = skb_peek(&flow->rxq);
	if (skb && skb->len > room) {
		*err = -EMSGSIZE;
		skb = NULL;
	} else if (skb) {
		__skb_unlink(skb, &flow->rxq);
	}
	spin_unlock_bh(&flow->rxq.lock);
	return skb;
}

/* A read would not block: a packet is queued, or the flow is down. */
static bool readable(struct kr_flow *flow)
{
	return !skb_queue_empty_lockless(&flow->rxq) || kr_flow_is_down(flow);
}

static ssize_t kr_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct kr_flow *flow = iocb->ki_filp->private_data;
	struct sk_buff *skb;
	ssize_t ret;
	int err;

	if (!(flow->access & RB_RD))
		return -EBADF;
	for (;;) {
		err = 0;
		skb = take_packet(flow, iov_iter_count(to), &err);
		if (skb)
			break;
		if (err)
			return err;
		if (kr_flow_is_down(flow))
			return 0;
		if (nonblocking(iocb))
			return -EAGAIN;
		ret = wait_event_interruptible(flow->wait, readable(flow));
		if (ret)
			return ret;
	}
	ret = skb->len;
	if (skb_copy_datagram_iter(skb, 0, to, skb->len))
		ret = -EFAULT;
	consume_skb(skb);
	return ret;
}

/* Room to send: a transmit epoch, and the send queue below its limit. */
static bool writable(struct kr_flow *flow)
{
	return kr_epochs_started(&flow->epochs) &&
	       atomic_read(&flow->tx_inflight) <
	       READ_ONCE(flow->cfg.tx_queue_len);
}

static int send_one(struct kr_flow *flow, struct sk_buff *skb, bool nonblock)
{
	int ret;

	for (;;) {
		if (kr_flow_is_down(flow))
			return -EPIPE;
		if (writable(flow)) {
			ret = kr_send_data(flow, skb);
			if (ret != -EAGAIN)
				return ret;
			/* Its leaf is not keyed yet: key it here and retry. */
			ret = kr_send_prepare(flow);
			if (ret)
				return ret;
			continue;
		}
		if (nonblock)
			return -EAGAIN;
		ret = wait_event_interruptible(flow->wait, writable(flow) ||
					       kr_flow_is_down(flow));
		if (ret)
			return ret;
	}
}

static ssize_t kr_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct kr_flow *flow = iocb->ki_filp->private_data;
	size_t len = iov_iter_count(from);
	struct sk_buff *skb;
	int ret;

	if (!(flow->access & RB_WR))
		return -EBADF;
	if (!len)
		return -EINVAL;
	if (len > READ_ONCE(flow->cfg.max_payload))
		return -EMSGSIZE;
	skb = alloc_skb(kr_send_headroom() + len + KR_TAG_LEN, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, kr_send_headroom());
	if (!copy_from_iter_full(skb_put(skb, len), len, from)) {
		kfree_skb(skb);
		return -EFAULT;
	}
	ret = send_one(flow, skb, nonblocking(iocb));
	if (ret) {
		kfree_skb(skb);
		return ret;
	}
	return len;
}

static __poll_t kr_poll(struct file *file, poll_table *wait)
{
	struct kr_flow *flow = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &flow->wait, wait);
	if (!skb_queue_empty_lockless(&flow->rxq))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (kr_flow_is_down(flow))
		return mask | EPOLLHUP;
	/* Exhausted, a write fails at once: no point waking writers. */
	if (writable(flow) && !kr_epochs_exhausted(&flow->epochs))
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (test_bit(KR_FLOW_REKEY, &flow->state))
		mask |= EPOLLPRI;
	if (test_bit(KR_FLOW_PEER_GONE, &flow->state))
		mask |= EPOLLRDHUP;
	return mask;
}

static long kr_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kr_flow *flow = file->private_data;
	struct keyrot_info info;

	switch (cmd) {
	case KEYROT_IOC_INFO:
		memset(&info, 0, sizeof(info));
		info.flow_id = flow->id;
		info.flags = kr_flow_flags(flow);
		info.max_payload = READ_ONCE(flow->cfg.max_payload);
		info.rekey_need = kr_epochs_need(&flow->epochs);
		if (copy_to_user((void __user *)arg, &info, sizeof(info)))
			return -EFAULT;
		return 0;
	case KEYROT_IOC_REKEY:
		if (kr_flow_is_down(flow))
			return -EPIPE;
		kr_flow_request_rekey(flow);
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations kr_fops = {
	.owner = THIS_MODULE,
	.open = kr_open,
	.release = kr_release,
	.read_iter = kr_read_iter,
	.write_iter = kr_write_iter,
	.poll = kr_poll,
	.unlocked_ioctl = kr_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/*
 * Root only by default: the daemon opens flows and hands the descriptors to
 * applications (SCM_RIGHTS).  A site may relax it with a udev rule.
 */
static struct miscdevice kr_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "keyrot",
	.fops = &kr_fops,
	.mode = 0600,
};

/**
 * kr_chrdev_init() - register /dev/keyrot
 *
 * Context: Process context, at module load.
 * Return: 0 or -errno.
 */
int kr_chrdev_init(void)
{
	return misc_register(&kr_misc);
}

/**
 * kr_chrdev_uninit() - unregister it; no descriptor is open (module ref)
 *
 * Context: Process context, at module unload.
 */
void kr_chrdev_uninit(void)
{
	misc_deregister(&kr_misc);
}
