using MdtShare.Build.Availability;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Availability;

/// <summary>
/// An agent's operating system as its outputs show it (Availability/Recorded). No test machine has a kernel SMB
/// mount of a cluster or a Windows SMB client, so these are written by hand in the exact shapes those systems print,
/// not captured from them: the DebugData files follow the print statements of fs/smb/client/cifs_debug.c and
/// smb2ops.c's smb2_dump_share_caps (6.x layout; 4.18/5.4 layout, where the dialect line comes before the sessions;
/// CIFS 2.09's for SMB1), the smbclient files the fixed command of <see cref="WindowsSmbQuery"/> as ConvertTo-Csv
/// prints it. Like the real command, a query answers only for the shares and drives it was asked about.
/// </summary>
internal sealed class RecordedSource(bool windows) : IAvailabilitySource
{
    public Dictionary<string, string> SystemFiles { get; } = [];

    public HashSet<string> NetworkDrives { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? SmbClientOutput { get; set; }

    public string QueryFailure { get; set; } = "PowerShell's SmbShare cmdlets did not answer within 60 s";

    /// <summary>The shares each query asked about; empty when none was made.</summary>
    public List<IReadOnlyCollection<string>> Queries { get; } = [];

    public bool IsWindows => windows;

    public static string Read(string name) => File.ReadAllText(Path.Combine(Repository.Root, "tests", "MdtShare.Build.Tests", "Availability", "Recorded", name));

    public static RecordedSource Linux(string debugData)
    {
        var source = new RecordedSource(windows: false);
        source.SystemFiles[MountTable.Path] = Read("mounts.txt");
        source.SystemFiles[CifsDebugData.Path] = Read(debugData);
        return source;
    }

    public string? ReadSystemFile(string path) => SystemFiles.TryGetValue(path, out string? text) ? text : null;

    public bool IsNetworkDrive(string driveRoot) => NetworkDrives.Contains(driveRoot);

    public SmbClientReport? QuerySmbClient(IReadOnlyCollection<string> shares, IReadOnlyCollection<string> drives, out string failure, CancellationToken cancellation)
    {
        Queries.Add([.. shares, .. drives]);
        failure = SmbClientOutput is null ? QueryFailure : string.Empty;
        if (SmbClientOutput is null)
        {
            return null;
        }

        SmbClientReport report = SmbClientReport.Parse(SmbClientOutput);
        var asked = shares.Concat(drives.Where(report.Mappings.ContainsKey).Select(d => report.Mappings[d].TrimStart('\\')))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (string unasked in report.ServerShares.Keys.Concat(report.Unreadable.Keys).Where(k => !asked.Contains(k)).ToList())
        {
            report.ServerShares.Remove(unasked);
            report.Unreadable.Remove(unasked);
        }

        return report;
    }
}
