# Debian bookworm as a base image, from a root file system debootstrap made of the mirror
# (rootfs.tar in the context), for CI only: no registry is reachable there. Built per platform
# (--platform linux/arm64 for an arm64 tree), so that the image says which one it is.
FROM scratch
ADD rootfs.tar /
CMD ["bash"]
