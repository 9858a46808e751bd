import KactlCommands

/// All of kactl lives in KactlCommands; this only hands it the process.
@main
enum KactlMain {
    static func main() async {
        await Kactl.main()
    }
}
