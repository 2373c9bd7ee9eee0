using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Mirror;

/// <summary>What one publish to one destination did. Counters are updated from worker threads.</summary>
internal sealed class MirrorResult
{
    private int _copied;
    private int _linked;
    private int _updated;
    private int _deleted;
    private int _failed;
    private long _bytes;

    public MirrorResult(string destination) => Destination = destination;

    public string Destination { get; }

    public int Copied => _copied;

    public int Updated => _updated;

    public int Deleted => _deleted;

    public int Skipped { get; internal set; }

    public int Failed => _failed;

    public long BytesCopied => Interlocked.Read(ref _bytes);

    public int Outages { get; internal set; }

    public int Retries { get; internal set; }

    public int SweptTempFiles { get; internal set; }

    /// <summary>From the start of the publish to its end, or to the moment the target was given up.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>What the target should now hold (the source with overlays), for the publish's own verification.</summary>
    public IReadOnlyDictionary<string, TreeFile> SourceFiles { get; internal set; } = new Dictionary<string, TreeFile>();

    /// <summary>Set when the publish stopped early (a guard tripped, the retry window ran out, a lock was held).</summary>
    public Diagnostic? Abort { get; internal set; }

    /// <summary>Images the target keeps after the publish that stopped naming them, or deletes now that their
    /// retention is over.</summary>
    public IReadOnlyList<RetainedImage> RetainedImages { get; internal set; } = [];

    /// <summary>Image versions this publish puts in place (new names from their content): clients that read the
    /// new OperatingSystems.xml get them.</summary>
    public IReadOnlyList<string> NewImages { get; internal set; } = [];

    public bool Succeeded => Abort is null && Failed == 0;

    /// <summary>Image versions given to a file the target already held under the share's name (a hard link): in
    /// place without a byte copied; counted among <see cref="Copied"/>.</summary>
    public int Linked => _linked;

    /// <param name="linked">Placed by a hard link: no byte was copied.</param>
    internal void AddCopied(CopyItem item, bool linked = false)
    {
        Interlocked.Increment(ref item.Reason == CopyReason.New ? ref _copied : ref _updated);
        if (linked)
        {
            Interlocked.Increment(ref _linked);
        }
        else
        {
            Interlocked.Add(ref _bytes, item.Source.Length);
        }
    }

    internal void AddDeleted() => Interlocked.Increment(ref _deleted);

    internal void AddFailed() => Interlocked.Increment(ref _failed);

    /// <summary>In a dry run: every change the plan holds (renames, folders, copies and deletes).</summary>
    public int PlannedChanges { get; private set; }

    internal void SetPlanned(MirrorPlan plan)
    {
        PlannedChanges = plan.CaseRenames.Count + plan.SwapDeletes.Count + plan.DirectoriesToCreate.Count + plan.BulkCopies.Count + plan.MetadataCopies.Count
            + plan.AttributeFixes.Count + plan.Deletes.Count;
        _copied = plan.Copies.Count(c => c.Reason == CopyReason.New);
        _updated = plan.Copies.Count(c => c.Reason == CopyReason.Changed);
        _deleted = plan.FileDeleteCount;
        _bytes = plan.Copies.Sum(c => c.Source.Length);
    }
}

/// <summary>What the mirror tells its host while it runs. Called from worker threads.</summary>
internal interface IMirrorListener
{
    void Report(Diagnostic diagnostic);

    /// <summary>One line per file or folder acted on (or, in a dry run, planned).</summary>
    void Detail(string message);

    /// <summary>Notable events.</summary>
    void Info(string message);

    /// <summary>Where a long publish is, at most once per progress interval.</summary>
    void Progress(ProgressLine progress);
}
