namespace MdtShare.Build.Ini;

/// <summary>
/// A client as the rules see it: the gateway it boots behind, and the section a Priority property (Model,
/// MACAddress, a custom property…) selects for it. Both null: a client no gateway or property entry matches.
/// </summary>
internal sealed record RuleClient(string? Gateway, string? PropertySection)
{
    public static RuleClient Other { get; } = new(null, null);

    public override string ToString() =>
        Gateway is not null ? "gateway " + Gateway
        : PropertySection is not null ? $"a property selects [{PropertySection}]"
        : "any other client";
}

/// <summary>
/// How ZTIGather walks a rules file (Bootstrap.ini or CustomSettings.ini): the sections of [Settings] Priority in
/// order, a [DefaultGateway] entry resolved through the client's gateway, a property entry through the property's
/// value, and each section's Subsection; the first value wins, except for DeployRoot and ResourceRoot, where the
/// last one does. Names are raw (one char per byte), as in <see cref="IniDocument"/>.
/// </summary>
internal sealed class RuleSet
{
    private readonly IniDocument _document;
    private readonly HashSet<string> _customProperties;

    public RuleSet(IniDocument document)
    {
        _document = document;
        int line = document.FindSection(MdtKeys.Settings) is { } settings ? document.FindKey(settings, MdtKeys.Properties) : -1;
        var names = line < 0
            ? []
            : document.Lines[line].Value!.Split(',').Select(p => p.Trim(IniLine.MdtWhitespace).Replace("(*)", string.Empty));
        _customProperties = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        Entries = PriorityEntries(document).ToList();
    }

    /// <summary>Priority entries with their 1-based columns; MDT splits the value on ',' and trims each entry.</summary>
    public IReadOnlyList<(string Name, int Column)> Entries { get; }

    /// <summary>The gateway addresses [DefaultGateway] maps, in file order.</summary>
    public IEnumerable<string> Gateways =>
        GatewayLines().Select(l => l.Key!).Distinct(StringComparer.OrdinalIgnoreCase);

    public static int PriorityLine(IniDocument document) =>
        document.FindSection(MdtKeys.Settings) is { } settings ? document.FindKey(settings, MdtKeys.Priority) : -1;

    public bool IsCustomProperty(string name) => _customProperties.Contains(name);

    /// <summary>A Priority entry whose value, gathered on the client, names the section.</summary>
    public bool IsPropertyEntry(string name) =>
        !string.Equals(name, MdtKeys.DefaultGateway, StringComparison.OrdinalIgnoreCase)
        && (MdtKeys.IsGatheredProperty(name) || IsCustomProperty(name));

    /// <summary>Which clients process a section, in words, for messages and the client table.</summary>
    public string SelectedBy(string section) => Selection(section).Words;

    /// <summary>The clients the table distinguishes: one per gateway, one per section only a property selects, and
    /// every other client.</summary>
    public IEnumerable<RuleClient> Clients() =>
        Gateways.Select(g => new RuleClient(g, null))
            .Concat(_document.Sections
                .Where(s => s.IsFirstWithName && MdtKeys.IsRuleSection(s.Name) && Selection(s.Name!).ByProperty)
                .Select(s => new RuleClient(null, s.Name)))
            .Append(RuleClient.Other);

    private (string Words, bool ByProperty) Selection(string section)
    {
        if (Entries.Any(e => Same(e.Name, section) && !IsPropertyEntry(e.Name)))
        {
            return ("Priority, for every client", false);
        }

        var gateways = GatewayLines().Where(l => Same(l.Value, section)).Select(l => l.Key!).ToList();
        if (gateways.Count > 0 && Entries.Any(e => Same(e.Name, MdtKeys.DefaultGateway)))
        {
            return ($"[DefaultGateway], for clients on gateway {string.Join(", ", gateways)}", false);
        }

        if (_document.Sections.FirstOrDefault(s => s.IsFirstWithName && SubsectionOf(s) is { } sub && Same(sub, section)) is { } parent)
        {
            return ($"Subsection in [{parent.Name}]", false);
        }

        string properties = string.Join("/", Entries.Where(e => IsPropertyEntry(e.Name)).Select(e => e.Name));
        return properties.Length > 0
            ? ($"Priority {properties}, for clients whose {properties} is '{section}'", true)
            : ("nothing: Priority does not select it", false);
    }

    /// <summary>The sections a client processes, in order.</summary>
    public IEnumerable<IniSection> SectionsFor(RuleClient client)
    {
        var seen = new HashSet<int>();
        foreach (var (name, _) in Entries)
        {
            string? sectionName =
                Same(name, MdtKeys.DefaultGateway) ? GatewayLines().FirstOrDefault(l => Same(l.Key, client.Gateway))?.Value
                : IsPropertyEntry(name) ? client.PropertySection
                : name;
            for (IniSection? section = sectionName is null ? null : _document.FindSection(sectionName);
                 section is not null && MdtKeys.IsRuleSection(section.Name) && seen.Add(section.HeaderIndex);
                 section = SubsectionOf(section) is { } sub ? _document.FindSection(sub) : null)
            {
                yield return section;
            }
        }
    }

    /// <summary>The value a client ends up with for a key, with the line that sets it; null when no section sets it.</summary>
    public (string Value, int LineIndex)? ValueFor(RuleClient client, string key)
    {
        (string, int)? found = null;
        foreach (IniSection section in SectionsFor(client))
        {
            int line = _document.FindKey(section, key);
            if (line >= 0 && _document.Lines[line].Value!.Length > 0)
            {
                found = (_document.Lines[line].Value!, line);
                if (!MdtKeys.IsRoot(key))
                {
                    break;
                }
            }
        }

        return found;
    }

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private string? SubsectionOf(IniSection section)
    {
        int line = _document.FindKey(section, MdtKeys.Subsection);
        return line >= 0 && _document.Lines[line].Value!.Length > 0 ? _document.Lines[line].Value : null;
    }

    private IEnumerable<IniLine> GatewayLines() =>
        _document.FindSection(MdtKeys.DefaultGateway) is { } gateways
            ? gateways.BodyIndexes.Select(i => _document.Lines[i]).Where(l => l.Kind == IniLineKind.KeyValue && l.Value!.Length > 0)
            : [];

    private static IEnumerable<(string Name, int Column)> PriorityEntries(IniDocument document)
    {
        int line = PriorityLine(document);
        if (line < 0)
        {
            yield break;
        }

        IniLine priority = document.Lines[line];
        int offset = priority.ValueStart;
        foreach (string part in priority.Value!.Split(','))
        {
            string name = part.Trim(IniLine.MdtWhitespace);
            int column = offset + part.IndexOf(name, StringComparison.Ordinal) + 1;
            offset += part.Length + 1;
            if (name.Length > 0)
            {
                yield return (name, column);
            }
        }
    }
}
