#ifndef HERALD_SOCKET_INFO_H
#define HERALD_SOCKET_INFO_H

/// Bytes the kernel has received on a TCP socket since it was opened (`tcpi_bytes_received`),
/// or -1 when it cannot tell. The HTTP server compares two readings to know whether a request
/// arrived with new data or was already buffered behind the previous one (pipelined).
long long herald_tcp_bytes_received(int fd);

#endif
