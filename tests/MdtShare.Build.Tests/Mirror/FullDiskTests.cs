using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Mirror;

/// <summary>The target's disk fills up in the middle of a publish (another writer takes the room the free-space
/// check saw), on a real tmpfs: the kernel's ENOSPC, mid-write.</summary>
public sealed class FullDiskTests : IDisposable
{
    private const int Files = 24;
    private const int FileBytes = 128 * 1024;

    private readonly TempDirectory _temp = new();
    private readonly FakeClock _clock = new();
    private readonly RecordingListener _listener = new();
    private readonly FaultyFileSystem _fs;

    public FullDiskTests() => _fs = new FaultyFileSystem(_clock);

    private string Source => _temp.Combine("share");

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void ADiskFillingUpMidPublishFailsWithACode_TearsNothing_AndConvergesOnceThereIsRoom()
    {
        WriteShare(version: 'a');
        using SmallDisk disk = SmallDisk.Mount(_temp.Combine("disk"), bytes: 8L * 1024 * 1024);
        string target = Path.Combine(disk.Path, "Distribution$");
        Assert.True(Publish(target).Succeeded);
        var oldVersion = Trees.Read(Source);

        WriteShare(version: 'b');
        var newVersion = Trees.Read(Source);
        string filler = Path.Combine(disk.Path, "another-writer.bin");
        int creates = 0;
        _fs.Fault = (operation, path) =>
        {
            if (operation == "Create" && Path.GetFileName(path).StartsWith(TreeSnapshot.TempPrefix, StringComparison.Ordinal) && Interlocked.Increment(ref creates) == 4)
            {
                FillUp(filler);
            }
        };

        MirrorResult full = Publish(target);

        _fs.Fault = null;
        Assert.True(full.Abort?.Code.Id == "MDTS2017", $"{full.Abort} copied {full.Copied + full.Updated}, failed {full.Failed}: " + string.Join(" | ", _listener.Diagnostics));
        Assert.Contains("filled up during the publish", full.Abort?.Message);
        Assert.DoesNotContain(_listener.Diagnostics, d => d.Code.Id == "MDTS2011");
        Assert.InRange(full.Copied + full.Updated, 1, Files - 1);
        Assert.All(Trees.Read(target, TargetOwnership.MarkerName, TargetOwnership.LockName), file =>
            Assert.True(file.Value == oldVersion[file.Key] || file.Value == newVersion[file.Key], $"{file.Key} is torn"));
        Assert.Empty(Directory.EnumerateFiles(target, TreeSnapshot.TempPrefix + "*", SearchOption.AllDirectories));

        File.Delete(filler);
        MirrorResult next = Publish(target);

        Assert.True(next.Succeeded, next.Abort?.Message);
        Assert.Equal(newVersion, Trees.Read(target, TargetOwnership.MarkerName, TargetOwnership.LockName));
    }

    private MirrorResult Publish(string target)
    {
        var options = new MirrorOptions(Source, target) { Parallelism = 2 };
        return new MirrorEngine(_fs, _clock, _listener, isWindows: false).Publish(options, CancellationToken.None);
    }

    /// <summary>Each version the same size, an hour apart, as a rebuilt image would be.</summary>
    private void WriteShare(char version)
    {
        var files = Enumerable.Range(0, Files)
            .Select(i => ($"Operating Systems/W11/part{i:00}.swm", version + new string((char)('a' + (i % 26)), FileBytes - 1)))
            .ToArray();
        Trees.Write(Source, files);
        foreach ((string relative, _) in files)
        {
            File.SetLastWriteTimeUtc(Path.Combine(Source, relative), new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc).AddHours(version));
        }
    }

    private static void FillUp(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                stream.Write(block);
                stream.Flush();
            }
        }
        catch (IOException)
        {
            // Full: exactly what this writer was for.
        }
    }
}
