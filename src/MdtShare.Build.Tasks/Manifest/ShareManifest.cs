using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;
using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Manifest;

internal sealed record ManifestEntry(string Path, long Length, string Hash);

/// <summary>
/// The SHA-256 of every file a published share holds, in GNU sha256sum format ("hash, two spaces, path"), sorted by
/// ordinal path, UTF-8 without BOM, LF. Each entry is preceded by a "#size N" comment, which sha256sum skips and
/// MdtShare's Verify uses to tell a size mismatch from a content mismatch.
/// </summary>
internal sealed class ShareManifest
{
    public const string Header = "# MdtShare.Build share manifest 1. Check a published copy from its root: sha256sum -c <this file>";
    private const string SizePrefix = "#size ";
    private const int MaxLineLength = 8192;

    public ShareManifest(IEnumerable<ManifestEntry> entries)
    {
        Entries = entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<ManifestEntry> Entries { get; }

    public long TotalBytes => Entries.Sum(e => e.Length);

    [MethodImpl(HotPath.Optimize)]
    public byte[] ToBytes()
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (ManifestEntry entry in Entries)
        {
            text.Append(SizePrefix).Append(entry.Length.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append(entry.Hash).Append("  ").Append(entry.Path).Append('\n');
        }

        return new UTF8Encoding(false).GetBytes(text.ToString());
    }

    /// <summary>Reads a manifest defensively: anything that could point outside a target root, or is not exactly
    /// what we write, is a coded error at its line and the whole manifest is refused.</summary>
    [MethodImpl(HotPath.Optimize)]
    public static ShareManifest Parse(byte[] bytes, string file, List<Diagnostic> errors)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            errors.Add(new Diagnostic(DiagnosticCode.ManifestInvalid, "The manifest is not UTF-8 text.", file));
            return new ShareManifest([]);
        }

        var entries = new List<ManifestEntry>();
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long? size = null;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            int number = i + 1;
            void Fail(string why) => errors.Add(new Diagnostic(DiagnosticCode.ManifestInvalid, $"Invalid manifest line: {why}.", file, number, 1));
            if (line.Length > MaxLineLength)
            {
                Fail($"longer than {MaxLineLength} characters");
                continue;
            }

            if (line.StartsWith(SizePrefix, StringComparison.Ordinal))
            {
                size = long.TryParse(line.Substring(SizePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;
                if (size is null)
                {
                    Fail("the size comment is not a whole number of bytes");
                }

                continue;
            }

            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.Length < 67 || !IsHex(line.Substring(0, 64)) || line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
            {
                Fail("not '<64 hex digits>  <path>'");
                size = null;
                continue;
            }

            string path = line.Substring(66);
            if (PathProblem(path) is { } problem)
            {
                Fail(problem);
            }
            else if (!paths.Add(path))
            {
                Fail($"'{path}' is listed twice");
            }
            else
            {
                entries.Add(new ManifestEntry(path, size ?? -1, line.Substring(0, 64).ToLowerInvariant()));
            }

            size = null;
        }

        return new ShareManifest(entries);
    }

    /// <summary>Why a manifest path could name something outside the target root, or null.</summary>
    public static string? PathProblem(string path)
    {
        if (path.IndexOf('\0') >= 0)
        {
            return "the path contains a NUL character";
        }

        if (path.IndexOf('\\') >= 0)
        {
            return "the path contains a backslash";
        }

        if (path.StartsWith("/", StringComparison.Ordinal) || (path.Length >= 2 && path[1] == ':'))
        {
            return $"'{path}' is absolute";
        }

        return path.Split('/').Any(s => s.Length == 0 || s == "." || s == "..") ? $"'{path}' has an empty, '.' or '..' segment" : null;
    }

    private static bool IsHex(string text) => text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F');
}
