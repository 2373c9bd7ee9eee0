using MdtShare.Build.Availability;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Availability;

/// <summary>
/// An agent's operating system as recorded outputs show it (Availability/Recorded): the DebugData files follow
/// fs/smb/client/cifs_debug.c and smb2ops.c's smb2_dump_share_caps line for line (6.x layout; the SMB1 one, CIFS
/// 2.09's), the smbclient files the fixed command of <see cref="WindowsSmbQuery"/> as ConvertTo-Csv prints it. No
/// test machine has a kernel SMB mount of a cluster or a Windows SMB client, so these are the evidence.
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

    public SmbClientReport? QuerySmbClient(IReadOnlyCollection<string> shares, out string failure, CancellationToken cancellation)
    {
        Queries.Add(shares);
        failure = SmbClientOutput is null ? QueryFailure : string.Empty;
        return SmbClientOutput is null ? null : SmbClientReport.Parse(SmbClientOutput);
    }
}
