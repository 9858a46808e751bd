import KeepalivedConfig
import NIOSSL

extension TLSConfiguration {
    /// Loads the `SSL` block's certificate chain and key (decrypted with its password), as
    /// keepalived's SSL context does. The CA file is loaded too, but verification stays off, as
    /// keepalived leaves it.
    mutating func presentCertificate(of client: SSLClient) throws {
        if let file = client.certificateFile {
            certificateChain = try NIOSSLCertificate.fromPEMFile(file).map { .certificate($0) }
        }
        if let file = client.keyFile {
            let key: NIOSSLPrivateKey
            if let password = client.password {
                key = try NIOSSLPrivateKey(file: file, format: .pem) { (setter: NIOSSLPassphraseSetter<[UInt8]>) in
                    setter(Array(password.utf8))
                }
            } else {
                key = try NIOSSLPrivateKey(file: file, format: .pem)
            }
            privateKey = .privateKey(key)
        }
        if let file = client.caFile {
            trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(file))
        }
    }
}
