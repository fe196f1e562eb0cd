/// The memory one netlink datagram is read into, reusable across requests.
///
/// `NetlinkSocket` allocates one per request when it is given none. A caller that makes many
/// requests in a row (IPVS asks for every service's backends, thousands per scrape) passes one of
/// its own, so the 64 KiB are not allocated, faulted in and given back thousands of times.
public final class NetlinkReceiveBuffer {
    let bytes: UnsafeMutableRawBufferPointer

    public init() {
        bytes = .allocate(byteCount: NetlinkSocket.receiveBufferSize, alignment: 8)
    }

    deinit { bytes.deallocate() }
}
