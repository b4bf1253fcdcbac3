import CCurl

extension HTTPClient {
    /// Points libcurl's data, header, read, seek and (with a policy) open-socket callbacks at
    /// `context`, passed unretained; the caller keeps it alive until the handle is reset.
    func installCallbacks(context: TransferContext, vetsAddresses: Bool) throws {
        let userdata = Unmanaged.passUnretained(context).toOpaque()

        try handle.set(CURLOPT_WRITEFUNCTION) { buffer, size, count, userdata in
            let context = Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
            let bytes = UnsafeRawBufferPointer(start: buffer, count: size * count)
            return context.receiveBody(bytes) ? size * count : ccurl_write_abort()
        }
        try handle.set(CURLOPT_WRITEDATA, pointer: userdata)

        try handle.set(CURLOPT_HEADERFUNCTION) { buffer, size, count, userdata in
            let context = Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
            context.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
            return size * count
        }
        try handle.set(CURLOPT_HEADERDATA, pointer: userdata)

        try handle.set(CURLOPT_READFUNCTION) { buffer, size, count, userdata in
            let context = Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
            let space = UnsafeMutableRawBufferPointer(start: buffer, count: size * count)
            return context.sendBody(into: space) ?? ccurl_read_abort()
        }
        try handle.set(CURLOPT_READDATA, pointer: userdata)

        try handle.set(seekCallback: { userdata, offset, origin in
            let context = Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
            // libcurl only ever seeks from the start (SEEK_SET), to rewind.
            guard origin == SEEK_SET else { return ccurl_seek_fail() }
            return context.seekBody(to: Int(offset)) ? ccurl_seek_ok() : ccurl_seek_fail()
        })
        try handle.set(CURLOPT_SEEKDATA, pointer: userdata)

        guard vetsAddresses else { return }
        try handle.set(openSocketCallback: { userdata, purpose, address in
            let context = Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
            guard purpose == CURLSOCKTYPE_IPCXN, let address else { return ccurl_socket_bad() }
            return context.openSocket(for: address)
        })
        try handle.set(CURLOPT_OPENSOCKETDATA, pointer: userdata)
    }
}
