using MdtShare.Build.IO;

namespace MdtShare.Build.Availability;

/// <summary>
/// What the agent's operating system tells about its SMB shares. The system's own in production
/// (<see cref="SystemAvailabilitySource"/>); in tests, outputs written in the exact shapes those systems print, since
/// no test machine can be every kind of agent connected to every kind of share.
/// </summary>
internal interface IAvailabilitySource
{
    bool IsWindows { get; }

    /// <summary>A file of /proc, or null where there is none.</summary>
    string? ReadSystemFile(string path);

    /// <summary>Windows: whether a drive letter ("Z:\") is a mapped network drive.</summary>
    bool IsNetworkDrive(string driveRoot);

    /// <inheritdoc cref="WindowsSmbQuery.Run"/>
    SmbClientReport? QuerySmbClient(IReadOnlyCollection<string> shares, IReadOnlyCollection<string> drives, out string failure, CancellationToken cancellation);
}

internal sealed class SystemAvailabilitySource : IAvailabilitySource
{
    public bool IsWindows => HostSystem.IsWindows;

    public string? ReadSystemFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public bool IsNetworkDrive(string driveRoot)
    {
        try
        {
            return new DriveInfo(driveRoot).DriveType == DriveType.Network;
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            return false;
        }
    }

    public SmbClientReport? QuerySmbClient(IReadOnlyCollection<string> shares, IReadOnlyCollection<string> drives, out string failure, CancellationToken cancellation) =>
        WindowsSmbQuery.Run(WindowsSmbQuery.WindowsPowerShell, shares, drives, WindowsSmbQuery.Timeout, out failure, cancellation);
}
