using MdtShare.Build.Ini;

namespace MdtShare.Build.HostReferences;

/// <summary>Rewrites the MDT server's name to the cluster's in CustomSettings.ini values, with the same
/// byte-faithful engine as Bootstrap.ini: only the host part of the affected values changes.</summary>
public static class CustomSettingsRewriter
{
    /// <returns>The rewritten file and the number of values changed.</returns>
    public static (byte[] Output, int Changed) Rewrite(byte[] input, string path, HostReferenceScanner scanner, string newHost)
    {
        IniText text = IniText.Decode(input, path);
        var document = IniDocument.Parse(text.RawText);
        int changed = 0;
        for (int i = 0; i < document.Lines.Count; i++)
        {
            IniLine line = document.Lines[i];
            if (line.Kind == IniLineKind.KeyValue && scanner.Names(text.FromRaw(line.Value!)))
            {
                document = document.WithValue(i, text.ToRaw(scanner.Rewrite(text.FromRaw(line.Value!), newHost))!);
                changed++;
            }
        }

        return (IniText.Encode(document.ToString()), changed);
    }
}
