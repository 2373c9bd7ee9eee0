namespace MdtShare.Build.Ini;

/// <summary>
/// The <c>\\server\share[\folder…]</c> form LiteTouch accepts for DeployRoot: it maps <c>\\server\share</c> and
/// treats the rest as a path (ZTIUtility.vbs <c>ValidateConnectionEx</c>).
/// </summary>
internal sealed class UncPath
{
    private const string InvalidShareChars = "\"/\\[]:|<>+=;,?*";
    private const string InvalidFolderChars = "\"/\\:|<>?*";

    private UncPath(string host, string share)
    {
        Host = host;
        Share = share;
    }

    public string Host { get; }

    public string Share { get; }

    /// <summary>Parses a DeployRoot value; on failure <paramref name="problem"/> says what is wrong.</summary>
    public static UncPath? TryParse(string value, out string problem)
    {
        problem = string.Empty;
        if (!value.StartsWith(@"\\", StringComparison.Ordinal) || value.StartsWith(@"\\\", StringComparison.Ordinal))
        {
            problem = @"it must start with \\ followed by the server name, as in \\MDTCLUSTER\Distribution$";
            return null;
        }

        if (value.EndsWith(@"\", StringComparison.Ordinal))
        {
            problem = @"it must not end with \";
            return null;
        }

        string[] parts = value.Substring(2).Split('\\');
        if (parts.Length < 2)
        {
            problem = @"it names a server but no share; write \\server\share";
            return null;
        }

        if (!IsValidHost(parts[0]))
        {
            problem = $"'{parts[0]}' is not a valid host name or IPv4 address (letters, digits and hyphens in dot-separated labels of at most 63 characters)";
            return null;
        }

        if (parts[1].Length == 0 || parts[1].Length > 80 || parts[1].Any(c => c < 0x20 || InvalidShareChars.IndexOf(c) >= 0))
        {
            problem = $"'{parts[1]}' is not a valid share name";
            return null;
        }

        for (int i = 2; i < parts.Length; i++)
        {
            string folder = parts[i];
            if (folder.Length == 0 || folder == "." || folder == ".." || folder.EndsWith(" ", StringComparison.Ordinal)
                || folder.EndsWith(".", StringComparison.Ordinal) || folder.Any(c => c < 0x20 || InvalidFolderChars.IndexOf(c) >= 0))
            {
                problem = $"'{folder}' is not a valid folder name";
                return null;
            }
        }

        return new UncPath(parts[0], parts[1]);
    }

    private static bool IsValidHost(string host)
    {
        if (host.Length is 0 or > 253)
        {
            return false;
        }

        string[] labels = host.Split('.');
        if (labels.Length == 4 && labels.All(l => l.Length > 0 && l.All(char.IsDigit)))
        {
            return labels.All(l => l.Length <= 3 && int.Parse(l) <= 255);
        }

        return labels.All(l =>
            l.Length is > 0 and <= 63
            && l[0] != '-' && l[l.Length - 1] != '-'
            && l.All(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-'));
    }
}
