#!/usr/bin/env bash
# Puts containerd's state (/var/lib/containerd) on the node's dedicated EBS volume (AL2023).
#
# Runs as a user-data part in cloud-init's final stage: after nodeadm-config, before nodeadm-run
# first starts containerd. The AMI pre-caches the sandbox image (localhost/kubernetes/pause) in
# /var/lib/containerd, and nothing pulls it again: mounting a blank volume there would hide it and
# every pod sandbox would fail. So the current contents are copied onto the volume before it is
# mounted, and a containerd drop-in re-imports /etc/eks/pause.tar whenever the image is missing.
#
# Re-running it changes nothing: an existing filesystem is never reformatted, nothing under
# /var/lib/containerd is deleted, fstab holds one entry. If the volume never shows up, containerd
# stays on the root volume and the node still joins.
#
# A blank volume gets XFS, as the AMI formats its own extra disks (setup-local-disks runs mkfs.xfs):
# xfsprogs is on the image, e2fsprogs is not known to be (the base is AL2023 minimal). Without
# mkfs.xfs the script says so in the node's log and exits non-zero; containerd stays on the root volume.
#
# Usage: containerd-volume.sh [setup|ensure-pause-image]   (default: setup)
set -Eeuo pipefail

# Settings; the environment overrides them (the tests use a loop device and temporary paths).
DEVICE="${CONTAINERD_VOLUME_DEVICE:-/dev/xvdb}"
WAIT_SECONDS="${CONTAINERD_VOLUME_WAIT_SECONDS:-60}"
FSTAB="${CONTAINERD_VOLUME_FSTAB:-/etc/fstab}"
SYSTEMD_DIR="${CONTAINERD_VOLUME_SYSTEMD_DIR:-/etc/systemd/system}"
HELPER="${CONTAINERD_VOLUME_HELPER:-/usr/local/sbin/containerd-volume}"

TARGET=/var/lib/containerd
PAUSE_IMAGE=localhost/kubernetes/pause
PAUSE_TARBALL=/etc/eks/pause.tar
STAGING=""

log() { echo "containerd-volume: $*"; }

cleanup() {
  if [ -n "$STAGING" ]; then
    umount "$STAGING" 2>/dev/null || true
    rmdir "$STAGING" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'log "unexpected error on line $LINENO (see above)"' ERR

# On Nitro instances the volume is an NVMe device, and the name it was mapped as (/dev/xvdb) is a
# udev link that can appear a few seconds after cloud-init starts.
wait_for_device() {
  local waited=0
  until [ -b "$DEVICE" ]; do
    [ "$waited" -lt "$WAIT_SECONDS" ] || return 1
    sleep 1
    waited=$((waited + 1))
  done
}

setup() {
  if mountpoint -q "$TARGET"; then
    log "$TARGET is already a mount point ($(findmnt -n -o SOURCE --mountpoint "$TARGET")); nothing to do"
    install_pause_check
    return 0
  fi
  if ! wait_for_device; then
    log "no block device at $DEVICE after ${WAIT_SECONDS}s; containerd stays on the root volume"
    return 0
  fi
  local dev
  dev="$(readlink -f "$DEVICE")"
  if findmnt -n --source "$dev" >/dev/null; then
    log "$dev is already mounted elsewhere; containerd stays on the root volume"
    return 0
  fi

  # blkid -p probes the device itself (no cache); exit status 2 means no signature at all.
  local found=0
  blkid -p "$dev" >/dev/null || found=$?
  if [ "$found" -eq 2 ]; then
    if ! command -v mkfs.xfs >/dev/null; then
      log "ERROR: mkfs.xfs is not installed (xfsprogs); $dev stays blank and containerd stays on the root volume" >&2
      exit 1
    fi
    # -K: a new EBS volume holds no data to discard, and discarding all of it first is slow.
    mkfs.xfs -q -K "$dev"
    log "created an xfs filesystem on $dev"
  elif [ "$(blkid -p -o value -s USAGE "$dev")" != filesystem ]; then
    log "$dev carries a signature that is not a filesystem; not touching it, containerd stays on the root volume"
    return 0
  fi
  local fstype uuid
  fstype="$(blkid -p -o value -s TYPE "$dev")"
  uuid="$(blkid -p -o value -s UUID "$dev")"

  # Copy onto a filesystem that holds nothing yet (fresh, or formatted by a run that stopped early).
  # One with data is containerd's state from an earlier boot, newer than the root volume's copy.
  mkdir -p "$TARGET"
  STAGING="$(mktemp -d)"
  mount "$dev" "$STAGING"
  if [ -z "$(find "$STAGING" -mindepth 1 -maxdepth 1 ! -name lost+found -print -quit)" ]; then
    cp -a "$TARGET/." "$STAGING/"
    log "copied the contents of $TARGET (with the cached pause image) onto $dev"
  else
    log "$dev already holds data; using it as it is"
  fi
  umount "$STAGING"
  rmdir "$STAGING"
  STAGING=""

  if [ -f "$FSTAB" ] && awk -v t="$TARGET" '$1 !~ /^#/ && $2 == t { found = 1 } END { exit !found }' "$FSTAB"; then
    log "$FSTAB already has an entry for $TARGET"
  else
    # nofail: a volume that is late or gone after a reboot must not stop the boot. XFS checks itself
    # when mounted (fsck.xfs does nothing), so its pass is 0; another filesystem found here gets 2.
    local pass=2
    [ "$fstype" != xfs ] || pass=0
    echo "UUID=$uuid $TARGET $fstype defaults,noatime,nofail 0 $pass" >>"$FSTAB"
    log "recorded UUID=$uuid for $TARGET in $FSTAB"
  fi
  mount -o noatime "$dev" "$TARGET"
  if command -v restorecon >/dev/null; then
    restorecon -R "$TARGET" || log "restorecon failed on $TARGET"
  fi
  log "mounted $dev ($fstype, UUID=$uuid) on $TARGET"
  install_pause_check
}

# Installs this script as a helper and a containerd drop-in that (a) orders containerd after the
# volume's mount (after a reboot the fstab mount can lag) and (b) re-imports the pause image after
# every containerd start if it is missing. The leading "-" keeps a failed check from failing containerd.
install_pause_check() {
  local self dropin
  self="$(readlink -f "${BASH_SOURCE[0]}")"
  if [ "$self" != "$(readlink -f "$HELPER")" ]; then
    install -D -m 0755 "$self" "$HELPER"
  fi
  dropin="$SYSTEMD_DIR/containerd.service.d/50-containerd-volume.conf"
  mkdir -p "$(dirname "$dropin")"
  cat >"$dropin" <<EOF
# Written by the node's user data (containerd-volume.sh).
[Unit]
Wants=var-lib-containerd.mount
After=var-lib-containerd.mount

[Service]
ExecStartPost=-$HELPER ensure-pause-image
EOF
  systemctl daemon-reload || log "systemctl daemon-reload failed; the drop-in applies from the next boot"
  log "installed $dropin"
}

# The image reference containerd knows the pause image by (any tag), or status 1.
pause_ref() {
  local refs
  refs="$(ctr --namespace k8s.io images ls --quiet)" || return 1
  awk -v img="$PAUSE_IMAGE" '$0 == img || index($0, img ":") == 1 || index($0, img "@") == 1 { print; found = 1; exit }
    END { exit !found }' <<<"$refs"
}

ensure_pause_image() {
  if pause_ref >/dev/null; then
    log "$PAUSE_IMAGE is present"
    return 0
  fi
  log "$PAUSE_IMAGE is missing; importing $PAUSE_TARBALL"
  local ref
  if ctr --namespace k8s.io images import "$PAUSE_TARBALL" >/dev/null && ref="$(pause_ref)"; then
    # Pinned, as the AMI leaves it, so kubelet's image garbage collection keeps it.
    ctr --namespace k8s.io images label "$ref" io.cri-containerd.pinned=pinned >/dev/null
    log "imported $ref"
  else
    log "could not import $PAUSE_TARBALL; pod sandboxes will fail until $PAUSE_IMAGE is present"
    exit 1
  fi
}

case "${1:-setup}" in
  setup) setup ;;
  ensure-pause-image) ensure_pause_image ;;
  *)
    echo "usage: $0 [setup|ensure-pause-image]" >&2
    exit 2
    ;;
esac
