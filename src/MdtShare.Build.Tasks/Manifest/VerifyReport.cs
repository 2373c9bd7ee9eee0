using System.Globalization;
using MdtShare.Build.IO;

namespace MdtShare.Build.Manifest;

/// <summary>The JSON report of one verified target (schema in docs/reference.md).</summary>
internal static class VerifyReport
{
    public static byte[] ToJson(VerifyResult result, string manifestFile, DateTime finishedUtc) =>
        Write(new JsonWriter().BeginObject().Value("schema", "mdtshare-verify/1"), result, manifestFile, finishedUtc).EndObject().ToUtf8();

    /// <summary>The report's members, also nested in the publish report.</summary>
    public static JsonWriter Write(JsonWriter json, VerifyResult result, string manifestFile, DateTime finishedUtc)
    {
        json.Value("target", result.Target)
            .Value("manifest", manifestFile)
            .Value("finishedUtc", finishedUtc.ToString("o", CultureInfo.InvariantCulture))
            .Value("passed", result.Passed)
            .Value("targetMissing", result.TargetMissing)
            .Value("verifiedFiles", result.Verified)
            .Value("bytesHashed", result.BytesHashed)
            .Value("seconds", result.Duration.TotalSeconds)
            .Values("missing", result.Missing)
            .Values("extra", result.Extra)
            .Values("retained", result.Retained)
            .Values("sizeMismatch", result.SizeMismatch)
            .Values("hashMismatch", result.HashMismatch)
            .BeginArray("unreadable");
        foreach (var unreadable in result.Unreadable)
        {
            json.BeginObject().Value("path", unreadable.Path).Value("reason", unreadable.Reason).EndObject();
        }

        return json.EndArray();
    }
}
