using System.Globalization;
using System.Text;

namespace MdtShare.Build.Manifest;

/// <summary>The JSON report of one verified target (schema in docs/reference.md). Written by hand: the package has
/// no JSON library on .NET Framework and needs only this.</summary>
public static class VerifyReport
{
    public static byte[] ToJson(VerifyResult result, string manifestFile, DateTime finishedUtc)
    {
        var json = new StringBuilder("{\n");
        Property(json, "schema", "mdtshare-verify/1").Append(",\n");
        Property(json, "target", result.Target).Append(",\n");
        Property(json, "manifest", manifestFile).Append(",\n");
        Property(json, "finishedUtc", finishedUtc.ToString("o", CultureInfo.InvariantCulture)).Append(",\n");
        json.Append("  \"passed\": ").Append(result.Passed ? "true" : "false").Append(",\n");
        json.Append("  \"targetMissing\": ").Append(result.TargetMissing ? "true" : "false").Append(",\n");
        json.Append("  \"verifiedFiles\": ").Append(result.Verified.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        json.Append("  \"bytesHashed\": ").Append(result.BytesHashed.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        json.Append("  \"seconds\": ").Append(result.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)).Append(",\n");
        List(json, "missing", result.Missing).Append(",\n");
        List(json, "extra", result.Extra).Append(",\n");
        List(json, "sizeMismatch", result.SizeMismatch).Append(",\n");
        List(json, "hashMismatch", result.HashMismatch).Append(",\n");
        json.Append("  \"unreadable\": [");
        json.Append(string.Join(",", result.Unreadable.Select(u => $"\n    {{ \"path\": {Quote(u.Path)}, \"reason\": {Quote(u.Reason)} }}")));
        json.Append(result.Unreadable.Count > 0 ? "\n  ]\n}\n" : "]\n}\n");
        return new UTF8Encoding(false).GetBytes(json.ToString());
    }

    private static StringBuilder Property(StringBuilder json, string name, string value) =>
        json.Append("  ").Append(Quote(name)).Append(": ").Append(Quote(value));

    private static StringBuilder List(StringBuilder json, string name, IReadOnlyList<string> items) =>
        json.Append("  ").Append(Quote(name)).Append(": [").Append(string.Join(", ", items.Select(Quote))).Append(']');

    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}
