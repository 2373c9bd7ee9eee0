namespace MdtShare.Build.Ini;

/// <summary>
/// A key to set in Bootstrap.ini. With no <see cref="Sections"/> the key is set in every section that already
/// sets it, or added to [Default] when none does.
/// </summary>
/// <param name="Origin">Where the change was declared, for messages (for example the project file).</param>
internal sealed record SettingChange(string Key, string Value, IReadOnlyList<string> Sections, string? Origin = null)
{
    public bool IsSecret => MdtKeys.IsSecret(Key);

    public bool IsDeployRoot => string.Equals(Key, MdtKeys.DeployRoot, StringComparison.OrdinalIgnoreCase);

    /// <summary>The value as it may appear in a log: masked for credentials.</summary>
    public string LoggableValue => IsSecret ? "********" : Value;
}
