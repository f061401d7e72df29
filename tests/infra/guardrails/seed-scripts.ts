/**
 * The containerd-volume scripts of the seed guides (shared/seeds/000_*, 002_*), the broken and the
 * fixed ones: the guardrail reads them (containerd.test.ts) and the containerd sandbox runs the broken
 * ones for real (tests/infra/nodes/containerd-sandbox.test.ts).
 */

/** The community script of amazon-eks-ami#2122, quoted by seed 000: deletes the store, then mounts. */
export const SEED_COMMUNITY = `#!/bin/bash
systemctl stop containerd
mkfs -t ext4 /dev/nvme1n1
rm -rf /var/lib/containerd/*
mount /dev/nvme1n1 /var/lib/containerd/
systemctl start containerd`;

/** Seed 000's "Karpenter is not affected" EC2NodeClass script: a blank volume mounted over the store. */
export const SEED_KARPENTER = `#!/bin/bash
# 在containerd启动前挂载EBS卷
mkfs -t ext4 /dev/xvdb
mkdir -p /var/lib/containerd
mount /dev/xvdb /var/lib/containerd
echo '/dev/xvdb /var/lib/containerd ext4 defaults 0 2' >> /etc/fstab

# 初始化EKS节点
/usr/bin/nodeadm init --cluster-name eks-karpenter-env`;

/** Seed 000's fixed script: move the store away, mount, move it back. */
export const SEED_MOVE_BACK = `systemctl stop containerd
mkfs -t ext4 /dev/nvme1n1
mv /var/lib/containerd/* /tmp/containerd/     # 保存AMI缓存
mount /dev/nvme1n1 /var/lib/containerd/
mv /tmp/containerd/* /var/lib/containerd/     # 恢复pause容器缓存
systemctl start containerd`;

/** Seed 002's fixed script (the maintainers' fix): seed the volume through a temporary mount, then fstab. */
export const SEED_TEMP_MOUNT = `DEVICE="/dev/xvdb"
TEMP_MOUNT="/mnt/temp_containerd"
# 格式化磁盘
mkfs.xfs $DEVICE
# 创建临时挂载点并复制数据
mkdir -p $TEMP_MOUNT
mount $DEVICE $TEMP_MOUNT
cp -a /var/lib/containerd/. $TEMP_MOUNT/
umount $TEMP_MOUNT
# 设置永久挂载
echo "$DEVICE /var/lib/containerd xfs defaults 1 1" >> /etc/fstab
mount /var/lib/containerd`;
