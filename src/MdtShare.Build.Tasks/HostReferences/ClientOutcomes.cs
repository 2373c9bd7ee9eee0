using MdtShare.Build.Ini;

namespace MdtShare.Build.HostReferences;

/// <summary>What one kind of client ends up with after the build: the sections it processes in each file, the
/// DeployRoot Bootstrap.ini gives it, and the roots and shares CustomSettings.ini then sets.</summary>
internal sealed record ClientOutcome(string Client, string Sections, string? BootstrapDeployRoot, string? DeployRoot,
    string? SLShare, string? BackupShare, string? EventService);

/// <summary>
/// Walks the published Bootstrap.ini and CustomSettings.ini for each kind of client the rules tell apart (each
/// gateway of either file's [DefaultGateway], each section only a Priority property selects, and every other client).
/// </summary>
internal static class ClientOutcomes
{
    public static IReadOnlyList<ClientOutcome> For(byte[] bootstrap, byte[]? customSettings)
    {
        var (bootText, bootRules) = Read(bootstrap);
        var (csText, csRules) = customSettings is null ? (null, null) : Read(customSettings);
        var clients = bootRules.Clients().Concat(csRules?.Clients() ?? [])
            .Where(c => c != RuleClient.Other)
            .GroupBy(c => (c.Gateway?.ToUpperInvariant(), c.PropertySection?.ToUpperInvariant()))
            .Select(g => g.First())
            .Append(RuleClient.Other);
        return clients.Select(client =>
        {
            string? Value(RuleSet? rules, IniText? text, string key) =>
                rules?.ValueFor(client, key) is { } found ? text!.FromRaw(found.Value) : null;
            string Sections(RuleSet? rules, IniText? text) =>
                rules is null ? "-" : string.Join(", ", rules.SectionsFor(client).Select(s => text!.FromRaw(s.Name!))) is { Length: > 0 } names ? names : "none";

            string? bootRoot = Value(bootRules, bootText, MdtKeys.DeployRoot);
            return new ClientOutcome(
                client.ToString(),
                $"Bootstrap.ini: {Sections(bootRules, bootText)}; CustomSettings.ini: {Sections(csRules, csText)}",
                bootRoot,
                Value(csRules, csText, MdtKeys.DeployRoot) ?? bootRoot,
                Value(csRules, csText, "SLShare"),
                Value(csRules, csText, "BackupShare"),
                Value(csRules, csText, "EventService"));
        }).ToList();
    }

    private static (IniText Text, RuleSet Rules) Read(byte[] ini)
    {
        IniText text = IniText.Decode(ini, string.Empty);
        return (text, new RuleSet(IniDocument.Parse(text.RawText)));
    }
}
