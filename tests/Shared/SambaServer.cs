using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MdtShare.Build.Tests.Shared;

/// <summary>
/// A throwaway Samba server on loopback with its <c>Distribution$</c> share mounted through FUSE (smbnetfs), for
/// tests that publish to a real SMB target. Everything lives in one temp folder (config, state, logs, the share);
/// every process is started and stopped by its pid. <see cref="KillServer"/> and <see cref="StartServer"/> are a
/// cluster failover: every smbd process dies at once, connections reset, then the server comes back.
/// CI installs the packages (.ci/run) and a missing prerequisite fails there; elsewhere the tests are skipped with a
/// message naming what is missing.
/// </summary>
public sealed class SambaServer : IDisposable
{
    public const string ShareName = "Distribution$";
    private const string User = "root";

    // A test password for a loopback-only server that lives for one test run.
    private const string Password = "Loopback-Only-7f3a";

    private static readonly (string Command, string Package)[] Commands =
        [("smbd", "samba"), ("smbpasswd", "samba"), ("smbnetfs", "smbnetfs"), ("fusermount", "fuse3")];

    private readonly string _root;
    // A call on the mount unanswered this long is a hung client, not an outage: smbnetfs gives up on the server
    // after its smb_timeout (10 s).
    private static readonly TimeSpan HungAfter = TimeSpan.FromSeconds(45);

    private readonly CancellationTokenSource _stopWatching = new();
    private Thread? _watchdog;
    private Process? _smbd;
    private Process? _smbnetfs;
    private int _clientRestarts;

    private SambaServer(string root, int port)
    {
        _root = root;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The share as the publisher sees it: the FUSE mount, reached over SMB.</summary>
    public string MountedShare => Path.Combine(_root, "fuse", $"127.0.0.1:{Port}", ShareName);

    /// <summary>The share's folder on the server's own disk: checks made here do not trust the client's caches.</summary>
    public string ServerFolder => Path.Combine(_root, "share");

    /// <summary>What this machine lacks to run a Samba server mounted through FUSE, or null.</summary>
    public static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the SMB tests run on Linux only (Samba on loopback, mounted through FUSE)";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "the SMB tests must run as root (smbd and the FUSE mount need it)";
        }

        if (!File.Exists("/dev/fuse"))
        {
            return "/dev/fuse is missing (no FUSE on this machine)";
        }

        var missing = Commands.Where(c => FindOnPath(c.Command) is null).ToList();
        return missing.Count == 0 ? null
            : $"missing {string.Join(", ", missing.Select(c => c.Command))}: apt-get install {string.Join(' ', missing.Select(c => c.Package).Distinct())}";
    }

    public static SambaServer Start()
    {
        string root = Directory.CreateTempSubdirectory("mdtshare-smb-").FullName;
        var server = new SambaServer(root, FreePort());
        try
        {
            server.Configure();
            server.StartServer();
            server.Mount();
            server.WatchTheClient();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>How often the watchdog restarted a hung smbnetfs (see <see cref="WatchTheClient"/>).</summary>
    public int ClientRestarts => Volatile.Read(ref _clientRestarts);

    /// <summary>Stops the smbnetfs process (SIGSTOP): every call on the mount hangs, as in its deadlock.</summary>
    public void FreezeClient() => RunQuietly("kill", "-STOP", _smbnetfs!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Every smbd process stops (SIGSTOP) without closing a connection: a server that stops answering, as a
    /// hung node does. <see cref="ThawServer"/> lets it go on.</summary>
    public void FreezeServer() => RunQuietly("pkill", "-STOP", "-f", Combine("etc", "smb.conf"));

    /// <summary>Lets a frozen server go on, and waits until the mount answers again: the watchdog may have restarted
    /// smbnetfs while the server was frozen, leaving a mount that fails every call (EIO), which is restarted here.</summary>
    public void ThawServer()
    {
        RunQuietly("pkill", "-CONT", "-f", Combine("etc", "smb.conf"));
        var deadline = Stopwatch.StartNew();
        var sinceRestart = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Directory.EnumerateFileSystemEntries(MountedShare).Take(1).ToList();
                return;
            }
            catch (IOException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (sinceRestart.Elapsed > TimeSpan.FromSeconds(5))
                {
                    RestartTheClient();
                    sinceRestart.Restart();
                }

                Thread.Sleep(250);
            }
        }
    }

    /// <summary>A failover's first half: every smbd process is killed at once, as when a cluster node dies.</summary>
    public void KillServer()
    {
        Process? smbd = Interlocked.Exchange(ref _smbd, null);
        if (smbd is not null)
        {
            KillTree(smbd);
            smbd.Dispose();
        }

        KillHelperDaemon();
    }

    /// <summary>Starts smbd (again) and waits until it accepts connections.</summary>
    public void StartServer()
    {
        _smbd = Launch("smbd", $"-F --no-process-group -s {Quote(Combine("etc", "smb.conf"))}", Combine("log", "smbd.stdout"), environment: null);
        var deadline = Stopwatch.StartNew();
        while (!Listening())
        {
            if (_smbd.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new InvalidOperationException($"smbd did not start listening on 127.0.0.1:{Port}.\n{LogTail("smbd.log")}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Files the server holds for a relative path, whatever their letter case (a Windows share holds one).</summary>
    public string[] ServerFilesNamed(string relativePath)
    {
        string folder = Path.Combine(ServerFolder, Path.GetDirectoryName(relativePath) ?? string.Empty);
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder).Where(f => string.Equals(Path.GetFileName(f), Path.GetFileName(relativePath), StringComparison.OrdinalIgnoreCase)).ToArray()
            : [];
    }

    public string LogTail(string log)
    {
        string path = Combine("log", log);
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(30)) : $"(no {log})";
    }

    public void Dispose()
    {
        // The watchdog may be restarting the client: it finishes before the processes are stopped.
        _stopWatching.Cancel();
        _watchdog?.Join(TimeSpan.FromSeconds(60));
        // Unmount first, so that nothing is left holding the mount point, then end the daemons by pid.
        if (_smbnetfs is not null)
        {
            if (!_smbnetfs.HasExited && !RunQuietly("fusermount", "-u", Combine("fuse")))
            {
                RunQuietly("fusermount", "-u", "-z", Combine("fuse"));
            }

            if (!_smbnetfs.WaitForExit(5000))
            {
                KillTree(_smbnetfs);
            }

            _smbnetfs.Dispose();
        }

        KillServer();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Configure()
    {
        foreach (string folder in new[] { "etc", "private", "lock", "state", "cache", "pid", "log", "ncalrpc", "share", "fuse", "home/.smb" })
        {
            Directory.CreateDirectory(Combine(folder));
        }

        File.WriteAllText(Combine("etc", "smb.conf"), $"""
            [global]
               server role = standalone server
               interfaces = lo
               bind interfaces only = yes
               smb ports = {Port}
               disable netbios = yes
               private dir = {Combine("private")}
               lock directory = {Combine("lock")}
               state directory = {Combine("state")}
               cache directory = {Combine("cache")}
               pid directory = {Combine("pid")}
               ncalrpc dir = {Combine("ncalrpc")}
               log file = {Combine("log", "smbd.log")}
               log level = 1
               passdb backend = tdbsam:{Combine("private", "passdb.tdb")}
               load printers = no
               printing = bsd
               printcap name = /dev/null
               disable spoolss = yes
               server min protocol = SMB2_10
               map to guest = Never
            [{ShareName}]
               path = {ServerFolder}
               read only = no
               create mask = 0664
               directory mask = 0775

            """);
        Run("smbpasswd", $"{Password}\n{Password}\n", "-c", Combine("etc", "smb.conf"), "-s", "-a", User);

        // smbnetfs reads $HOME/.smb: a private HOME keeps the user's own configuration out.
        File.WriteAllText(Combine("home", ".smb", "smb.conf"), """
            [global]
               client min protocol = SMB2_10
               client max protocol = SMB3
               disable netbios = yes

            """);

        // neg_cache_timeout is short so that a path is not reported missing for seconds after an outage;
        // neg_cache "false" would deadlock smbnetfs 0.6.3. free_space_size: 100 GiB in 4 KiB pages (else 0 is reported).
        File.WriteAllText(Combine("home", ".smb", "smbnetfs.conf"), $"""
            log_file "{Combine("log", "smbnetfs.log")}"
            smb_query_browsers "false"
            use_libsecret "false"
            show_$_shares "true"
            stat_workaround_depth "0"
            stat_workaround_enable_default_entries "false"
            smb_timeout 10000
            neg_cache_timeout 100
            config_update_period 0
            free_space_size 26214400
            auth "{User}" "{Password}"
            host "127.0.0.1" visible=true

            """);
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(Combine("home", ".smb", "smbnetfs.conf"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>
    /// smbnetfs 0.6.3 now and then deadlocks when the server comes back after a kill: calls on the mount never return
    /// (seen in CI: threads of the publish in request_wait_answer for minutes), where a Windows client's session
    /// timeout would fail them. The watchdog stands in for that timeout: when listing the share (stat is answered
    /// from smbnetfs's cache even then, so only a listing reaches the stuck part) goes unanswered for
    /// <see cref="HungAfter"/>, smbnetfs is killed, which fails the calls in flight with ENOTCONN (an outage to the
    /// publish), and the share is mounted again. A listing that fails (the server is down) is an answer. Each
    /// restart is counted and reported.
    /// </summary>
    private void WatchTheClient()
    {
        _watchdog = new Thread(() =>
        {
            while (!_stopWatching.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1)))
            {
                var probe = Task.Run(ListTheShare);
                if (!probe.Wait(HungAfter) && !_stopWatching.IsCancellationRequested)
                {
                    RestartTheClient();
                }
            }
        })
        { IsBackground = true, Name = "smbnetfs watchdog" };
        _watchdog.Start();
    }

    private void RestartTheClient()
    {
        Console.Error.WriteLine($"SambaServer: the smbnetfs mount stopped answering for {HungAfter.TotalSeconds:0} s; restarting the client.");
        Interlocked.Increment(ref _clientRestarts);
        try
        {
            Process? hung = _smbnetfs;
            if (hung is not null)
            {
                KillTree(hung);
            }

            RunQuietly("fusermount", "-u", "-z", Combine("fuse"));
            Mount(waitForShare: false);
            hung?.Dispose();
        }
        catch (Exception e)
        {
            // A background thread must not take the test host down; the tests then fail on the mount instead.
            Console.Error.WriteLine($"SambaServer: restarting smbnetfs failed: {e.Message}");
        }
    }

    private void ListTheShare()
    {
        try
        {
            using IEnumerator<string> entries = Directory.EnumerateFileSystemEntries(MountedShare).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An outage: the mount answered.
        }
    }

    private void Mount(bool waitForShare = true)
    {
        // big_writes: 128 KiB FUSE writes instead of 4 KiB, ten times faster.
        _smbnetfs = Launch("smbnetfs", $"{Quote(Combine("fuse"))} -f -o {Quote("config=" + Combine("home", ".smb", "smbnetfs.conf") + ",big_writes")}",
            Combine("log", "smbnetfs.stdout"), ("HOME", Combine("home")));
        var deadline = Stopwatch.StartNew();
        while (waitForShare ? !Directory.Exists(MountedShare) : !File.ReadAllText("/proc/mounts").Contains(Combine("fuse"), StringComparison.Ordinal))
        {
            if (_smbnetfs.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new InvalidOperationException($"The smbnetfs mount did not come up at {MountedShare}.\n{LogTail("smbnetfs.log")}");
            }

            Thread.Sleep(100);
        }
    }

    private Process Launch(string command, string arguments, string output, (string Name, string Value)? environment)
    {
        // exec: the shell becomes the daemon, so the pid we hold is the daemon's; output goes to its log, not ours.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec {Quote(FindOnPath(command) ?? command)} {arguments} </dev/null >>{Quote(output)} 2>&1");
        if (environment is { } variable)
        {
            start.Environment[variable.Name] = variable.Value;
        }

        return Process.Start(start)!;
    }

    /// <summary>samba-dcerpcd is started on demand and leaves smbd's process tree; it is found by its pid file.</summary>
    private void KillHelperDaemon()
    {
        string pidFile = Combine("pid", "samba-dcerpcd.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
        {
            try
            {
                using Process helper = Process.GetProcessById(pid);
                if (helper.ProcessName.StartsWith("samba-dcerpcd", StringComparison.Ordinal) || helper.ProcessName.StartsWith("rpcd", StringComparison.Ordinal))
                {
                    KillTree(helper);
                }
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private bool Listening()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string command, string input, params string[] arguments)
    {
        var start = new ProcessStartInfo(FindOnPath(command) ?? command) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {output}{errors.Result}");
        }
    }

    private static bool RunQuietly(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(FindOnPath(command) ?? command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            return false;
        }

        return process.ExitCode == 0;
    }

    private static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Concat(["/usr/sbin", "/sbin"])
            .Select(folder => Path.Combine(folder, command))
            .FirstOrDefault(File.Exists);

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    private string Combine(params string[] parts) => Path.Combine([_root, .. parts]);
}
