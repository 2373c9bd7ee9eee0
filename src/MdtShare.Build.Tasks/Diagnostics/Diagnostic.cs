namespace MdtShare.Build.Diagnostics;

internal enum Severity
{
    Warning,
    Error,
}

/// <summary>
/// One finding of an engine, with the place it refers to. Engines return these instead of logging so they stay
/// free of MSBuild; the task adapters turn them into MSBuild errors and warnings.
/// </summary>
/// <param name="Line">1-based line, or 0 when the finding is about the file as a whole.</param>
/// <param name="Column">1-based column, or 0 when unknown.</param>
internal sealed record Diagnostic(DiagnosticCode Code, string Message, string? File = null, int Line = 0, int Column = 0)
{
    public Severity Severity => Code.Severity;

    public override string ToString() =>
        $"{File}({Line},{Column}): {(Severity == Severity.Error ? "error" : "warning")} {Code.Id}: {Message}";
}

/// <summary>A coded failure that stops an engine; carries the same data as a <see cref="Diagnostic"/>.</summary>
internal sealed class MdtShareException : Exception
{
    public MdtShareException(Diagnostic diagnostic)
        : base(diagnostic.Message) => Diagnostic = diagnostic;

    public Diagnostic Diagnostic { get; }
}
