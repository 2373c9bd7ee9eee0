using System.Reflection;
using System.Text.RegularExpressions;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests;

public class DiagnosticCatalogTests
{
    private static readonly string RepositoryRoot = Repository.Root;

    [Fact]
    public void CodesAreUniqueAndWellFormed()
    {
        Assert.Equal(DiagnosticCode.All.Count, DiagnosticCode.All.Select(c => c.Id).Distinct().Count());
        Assert.All(DiagnosticCode.All, c => Assert.Matches("^MDTS[1-9][0-9]{3}$", c.Id));
        var declared = typeof(DiagnosticCode).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticCode)).Select(f => f.GetValue(null));
        Assert.Equal(declared.Count(), DiagnosticCode.All.Count);
    }

    [Fact]
    public void EveryCodeIsDocumentedInErrorsMd()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "errors.md"));
        var headings = Regex.Matches(doc, @"^## (MDTS\d{4})\b", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(DiagnosticCode.All.Select(c => c.Id).Order(), headings.Order());
        Assert.All(DiagnosticCode.All, c => Assert.Contains($"## {c.Id}: {(c.Severity == Severity.Error ? "error" : "warning")}", doc));
    }

    /// <summary>Each entry gives the cause (a bold first sentence), what to do, and an example of the message as
    /// MSBuild prints it, with the entry's own code and severity.</summary>
    [Fact]
    public void EveryEntrySaysTheCauseWhatToDoAndGivesAnExample()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "errors.md"));
        var entries = Regex.Matches(doc, @"^## (MDTS\d{4}): (error|warning)\n(.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.Equal(DiagnosticCode.All.Count, entries.Count);
        Assert.All(entries, entry =>
        {
            string code = entry.Groups[1].Value, severity = entry.Groups[2].Value, body = entry.Groups[3].Value;
            Assert.True(body.StartsWith("**", StringComparison.Ordinal), $"{code}: the cause comes first, in bold");
            Assert.True(Regex.IsMatch(body, "^What to do: ", RegexOptions.Multiline), $"{code}: no 'What to do: ' paragraph");
            Assert.True(body.Contains($"{severity} {code}: ", StringComparison.Ordinal), $"{code}: no example message '{severity} {code}: …'");
        });
    }

    [Fact]
    public void EveryCodeMentionedInTheSourcesIsInTheCatalog()
    {
        var mentioned = Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "build"), "*.*", SearchOption.AllDirectories))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(p => Regex.Matches(File.ReadAllText(p), @"MDTS\d{4}").Select(m => m.Value))
            .Distinct();
        Assert.All(mentioned, id => Assert.Contains(DiagnosticCode.All, c => c.Id == id));
    }
}
