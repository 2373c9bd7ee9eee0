using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Ini;

/// <summary>A BootstrapSetting as the project declares it: a literal value, or the name of an environment variable.</summary>
internal sealed record DeclaredSetting(string Key, string Value, string ValueFromEnvironment, string Sections);

/// <summary>The project's settings, resolved once: the declared changes, what is wrong with them, what to tell the user;
/// <see cref="For"/> gives one overlay's changes with its DeployRoot.</summary>
internal sealed record SettingResolution(IReadOnlyList<SettingChange> Declared, bool Media, string Project,
    IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> Notes)
{
    /// <summary>The changes for the overlay whose clients use <paramref name="deployRoot"/> (empty: the declared
    /// ones only); a media folder gets no network DeployRoot.</summary>
    public List<SettingChange> For(string deployRoot) =>
        Media ? Declared.Where(c => !c.IsDeployRoot).ToList()
        : deployRoot.Trim().Length > 0 ? [new SettingChange(MdtKeys.DeployRoot, deployRoot.Trim(), [], Project), .. Declared]
        : [.. Declared];
}

/// <summary>
/// Turns the project's DeployRoot and BootstrapSetting declarations into the changes to make, once for every overlay:
/// checks each, reads secrets from the environment (their values go only into the changes, which mask them), and
/// applies the offline media rule (a media folder gets no network DeployRoot).
/// </summary>
internal static class SettingResolver
{
    /// <param name="deployRoots">The DeployRoot of each overlay the build writes.</param>
    public static SettingResolution Resolve(IReadOnlyList<string> deployRoots, IEnumerable<DeclaredSetting> declared, bool media, string project,
        Func<string, string?> environment)
    {
        var diagnostics = new List<Diagnostic>();
        var notes = new List<string>();
        var changes = new List<SettingChange>();
        foreach (DeclaredSetting setting in declared)
        {
            if (Read(setting, project, environment, diagnostics) is { } change)
            {
                changes.Add(change);
            }
        }

        bool declaresDeployRoot = changes.Any(c => c.IsDeployRoot);
        if (media)
        {
            if (declaresDeployRoot || deployRoots.Any(r => r.Trim().Length > 0))
            {
                diagnostics.Add(new Diagnostic(DiagnosticCode.MediaDeployRootNotAdded,
                    "The deployment share is an offline media folder (Scripts\\Media.tag): LiteTouch deploys from the media and sets DeployRoot to it, so the DeployRoot given is not added; the rest of Bootstrap.ini is patched.",
                    project));
            }
            else
            {
                notes.Add("The deployment share is an offline media folder (Scripts\\Media.tag): it has no network DeployRoot, on purpose, and none is added.");
            }
        }
        else if (!declaresDeployRoot && deployRoots.Any(r => r.Trim().Length == 0))
        {
            diagnostics.Add(new Diagnostic(DiagnosticCode.DeployRootNotSet,
                "The DeployRoot property is not set; set it to the UNC path clients must use, e.g. <DeployRoot>\\\\MDTCLUSTER\\Distribution$</DeployRoot>.",
                project));
        }

        return new SettingResolution(changes, media, project, diagnostics, notes);
    }

    private static SettingChange? Read(DeclaredSetting setting, string project, Func<string, string?> environment, List<Diagnostic> diagnostics)
    {
        string key = setting.Key.Trim();
        string value = setting.Value;
        string variable = setting.ValueFromEnvironment.Trim();
        var sections = setting.Sections.Split(';').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

        string? problem =
            key.Length == 0 || key.IndexOfAny(['=', '\r', '\n']) >= 0 || key[0] is '[' or ';'
                ? $"'{key}' is not a valid key name"
            : sections.Any(s => s.IndexOfAny([']', '\r', '\n']) >= 0) ? $"the Section of {key} is not a valid section name"
            : value.Length > 0 && variable.Length > 0 ? $"{key} has both Value and ValueFromEnvironment; give one"
            : value.IndexOfAny(['\r', '\n']) >= 0 ? $"the value of {key} contains a line break"
            : null;
        if (problem is not null)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCode.BootstrapSettingInvalid, $"BootstrapSetting: {problem}.", project));
            return null;
        }

        if (variable.Length > 0)
        {
            string? secret = environment(variable);
            if (string.IsNullOrEmpty(secret))
            {
                diagnostics.Add(new Diagnostic(DiagnosticCode.EnvironmentVariableNotSet,
                    $"BootstrapSetting {key} reads environment variable '{variable}', which is not set (or empty) in this build.", project));
                return null;
            }

            if (secret!.IndexOfAny(['\r', '\n']) >= 0)
            {
                diagnostics.Add(new Diagnostic(DiagnosticCode.BootstrapSettingInvalid,
                    $"BootstrapSetting: environment variable '{variable}' for {key} contains a line break.", project));
                return null;
            }

            value = secret;
        }
        else if (MdtKeys.IsSecret(key) && value.Length > 0)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCode.SecretInProjectFile,
                $"BootstrapSetting {key} is a credential given as a literal Value: it is visible in the project file and in binary logs. Use ValueFromEnvironment with a pipeline secret instead.",
                project));
        }

        return new SettingChange(key, value, sections, project);
    }
}
