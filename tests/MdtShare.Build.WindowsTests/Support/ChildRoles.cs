using System.Runtime.InteropServices;
using MdtShare.Build.IO;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.WindowsTests.Support;

/// <summary>What the test program does when a test starts it as another process (see <see cref="Child"/>).</summary>
internal static class ChildRoles
{
    public static Func<string[], int>? Find(string name) => name switch
    {
        "--hold" => Hold,
        "--publish-and-stall" => PublishAndStall,
        "--echo-args" => EchoArgs,
        _ => null,
    };

    /// <summary>A client deploying from the share: opens a file for reading with the given sharing, reads it whole,
    /// keeps it open until told to let go, and reads it whole again from the same handle.</summary>
    private static int Hold(string[] args)
    {
        FileShare share = args[1] == "ReadDelete" ? FileShare.Read | FileShare.Delete : FileShare.Read;
        using var stream = new FileStream(args[0], FileMode.Open, FileAccess.Read, share);
        Console.WriteLine("held " + FileHasher.Hash(stream, CancellationToken.None));
        Console.In.ReadLine();
        stream.Position = 0;
        Console.WriteLine("released " + FileHasher.Hash(stream, CancellationToken.None));
        return 0;
    }

    /// <summary>A publisher that stops for good in the middle of its first copy (a temp file written, the lock held),
    /// to be killed there.</summary>
    private static int PublishAndStall(string[] args)
    {
        var engine = new MirrorEngine(new StallingFileSystem(), SystemClock.Instance, new RecordingListener(), HostSystem.IsWindows);
        engine.Publish(new MirrorOptions(args[0], args[1]), CancellationToken.None);
        return 1;
    }

    /// <summary>The program copied as wdsutil.exe (a script finds it by that name, so no role can be named in its
    /// arguments, which are wdsutil's): see <see cref="FakeWdsutil"/>.</summary>
    public static bool IsFakeWdsutil =>
        string.Equals(Path.GetFileNameWithoutExtension(System.Diagnostics.Process.GetCurrentProcess().MainModule!.FileName), "wdsutil", StringComparison.OrdinalIgnoreCase);

    /// <summary>A stand-in for wdsutil: appends each argument it was given, as the host's command-line parsing gave
    /// it, to the file MDTSHARE_FAKE_WDSUTIL_RECORD names, then a blank line; appends its raw command line after the
    /// program's name, as Windows handed it over, as a line of that file + ".raw"; and exits with
    /// MDTSHARE_FAKE_WDSUTIL_EXIT.</summary>
    public static int FakeWdsutil(string[] args)
    {
        string record = Environment.GetEnvironmentVariable("MDTSHARE_FAKE_WDSUTIL_RECORD")!;
        File.AppendAllText(record, string.Concat(args.Select(a => "[" + a + "]\n")) + "\n");
        File.AppendAllText(record + ".raw", AfterProgramName(Marshal.PtrToStringUni(GetCommandLineW())!) + "\n");
        return int.Parse(Environment.GetEnvironmentVariable("MDTSHARE_FAKE_WDSUTIL_EXIT")!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A command line without its first word, the program, as the C runtime delimits it: quoted, or up to
    /// the first blank.</summary>
    private static string AfterProgramName(string commandLine)
    {
        int end = commandLine.StartsWith("\"", StringComparison.Ordinal) ? commandLine.IndexOf('"', 1) + 1 : commandLine.IndexOfAny([' ', '\t']);
        return end <= 0 ? string.Empty : commandLine.Substring(end).TrimStart(' ', '\t');
    }

    [DllImport("kernel32.dll")]
    private static extern IntPtr GetCommandLineW();

    /// <summary>A tool that prints each argument it was given, as the host's own command-line parsing gave it.</summary>
    private static int EchoArgs(string[] args)
    {
        foreach (string argument in args)
        {
            Console.WriteLine("[" + argument + "]");
        }

        return 0;
    }

    private sealed class StallingFileSystem : IMirrorFileSystem
    {
        private readonly PhysicalFileSystem _real = PhysicalFileSystem.Instance;

        public Stream Create(string path)
        {
            Stream stream = _real.Create(path);
            stream.Write([0x4D, 0x53, 0x57, 0x49, 0x4D], 0, 5);
            stream.Flush();
            Console.WriteLine("stalled " + path);
            Thread.Sleep(Timeout.Infinite);
            return stream;
        }

        public IReadOnlyList<FileSystemEntry> Enumerate(string directory) => _real.Enumerate(directory);

        public bool DirectoryExists(string path) => _real.DirectoryExists(path);

        public long? AvailableFreeSpace(string path) => _real.AvailableFreeSpace(path);

        public FileSystemEntry? GetEntry(string path) => _real.GetEntry(path);

        public Stream OpenRead(string path) => _real.OpenRead(path);

        public Stream CreateNew(string path) => _real.CreateNew(path);

        public void SetLastWriteTimeUtc(string path, DateTime time) => _real.SetLastWriteTimeUtc(path, time);

        public void SetReadOnly(string path, bool readOnly) => _real.SetReadOnly(path, readOnly);

        public void Replace(string source, string destination) => _real.Replace(source, destination);

        public void Rename(string from, string to) => _real.Rename(from, to);

        public void CreateHardLink(string existing, string link) => _real.CreateHardLink(existing, link);

        public void DeleteFile(string path) => _real.DeleteFile(path);

        public void DeleteDirectory(string path) => _real.DeleteDirectory(path);

        public void CreateDirectory(string path) => _real.CreateDirectory(path);
    }
}
