import Glibc
import HeraldOperations
import Testing

@Suite struct JWTSecretFileTests {
    private func temporaryDirectory() -> String {
        var template = Array("/tmp/herald-secret-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    @Test func theSecretIsCreatedOnceThenReadBack() throws {
        let directory = temporaryDirectory()
        defer {
            unlink(directory + "/" + JWTSecretFile.name)
            rmdir(directory)
        }
        let first = try JWTSecretFile.loadOrCreate(directory: directory)
        #expect(first.count == 64)
        #expect(try JWTSecretFile.loadOrCreate(directory: directory) == first)
        var status = stat()
        #expect(stat(directory + "/" + JWTSecretFile.name, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
    }

    @Test func anUnusableDirectoryIsAClearError() {
        #expect(throws: ConfigurationError.self) { try JWTSecretFile.loadOrCreate(directory: "/nonexistent/herald") }
    }
}
