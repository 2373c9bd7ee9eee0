using MdtShare.Build.Tests.Shared;

namespace MdtShare.Build.SmbTests;

[CollectionDefinition(Name)]
public sealed class SambaCollection : ICollectionFixture<SambaFixture>
{
    // One server for the collection: its tests run one at a time, as a failover test takes the server away.
    public const string Name = "Samba";
}

/// <summary>Starts the server once for every SMB test; a machine without the prerequisites skips them, CI fails them.</summary>
public sealed class SambaFixture : IDisposable
{
    private readonly string? _missing = SambaServer.MissingPrerequisite();
    private readonly SambaServer? _server;

    public SambaFixture()
    {
        if (_missing is null)
        {
            _server = SambaServer.Start();
        }
    }

    public SambaServer Require()
    {
        if (_missing is not null && Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException($"The SMB tests cannot run on this CI machine: {_missing}. .ci/run must install and allow them.");
        }

        Skip.If(_missing is not null, $"SMB tests skipped: {_missing}.");
        return _server!;
    }

    /// <summary>A fresh folder on the share for one test: (as the publisher sees it, as the server stores it).</summary>
    public (string Mounted, string OnServer) NewTarget(string name)
    {
        SambaServer server = Require();
        string folder = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
        Directory.CreateDirectory(Path.Combine(server.MountedShare, folder));
        return (Path.Combine(server.MountedShare, folder), Path.Combine(server.ServerFolder, folder));
    }

    public void Dispose() => _server?.Dispose();
}
