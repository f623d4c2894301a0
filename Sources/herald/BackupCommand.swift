import ArgumentParser
import HeraldDurability

/// `herald backup --data-dir DIR --to FILE`: a consistent copy of a data directory's database,
/// taken while Herald runs on it. Restore by starting Herald on a directory holding the copy as
/// `herald.sqlite`.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald backup",
        abstract: "Copy a data directory's database consistently, while Herald runs.",
        discussion: "Restore: copy FILE to NEWDIR/\(DataDirectory.databaseName), then start herald --data-dir NEWDIR.")

    @Option(help: ArgumentHelp("The data directory to copy.", valueName: "dir"))
    var dataDir: String

    @Option(help: ArgumentHelp("The file to write (must not exist).", valueName: "file"))
    var to: String

    func run() throws {
        do {
            try DataDirectoryBackup.copy(directory: dataDir, to: to)
        } catch {
            throw ValidationError(error.description)
        }
        print("backup of \(dataDir) written to \(to)")
    }
}
