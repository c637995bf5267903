/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 */
#ifndef _KR_CHRDEV_H
#define _KR_CHRDEV_H

/* chrdev.c APIs: */
int kr_chrdev_init(void);
void kr_chrdev_uninit(void);

#endif /* _KR_CHRDEV_H */
