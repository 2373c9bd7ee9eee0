using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;

namespace MdtShare.Build.Mirror;

internal sealed partial class MirrorEngine
{
    /// <summary>
    /// Reads one source file once and writes it to every destination's temp file as it goes, hashing it once.
    /// Each copy is then checked against its destination's manifest, closed, timed and renamed into place. A
    /// destination that fails a call (an outage, a target that stopped answering) or writes a block far slower than
    /// the fastest falls behind: it leaves the shared copies of this phase and copies its part on its own, with its
    /// own retries, so it holds the others back no longer than one call.
    /// </summary>
    /// <returns>The items settled here: renamed into place, or failed for good (changed since the manifest).</returns>
    private List<CopyItem> FanOut(string source, List<(Run Run, CopyItem Item)> destinations, CancellationToken cancellation)
    {
        var settled = new List<CopyItem>();
        var writers = new List<(Run Run, CopyItem Item, string Temp, Stream Stream)>();
        void Drop((Run Run, CopyItem Item, string Temp, Stream Stream) writer, string reason, bool unhealthy = true, (Exception Error, DateTime Started)? failure = null)
        {
            writers.Remove(writer);
            writer.Run.FellBehind |= unhealthy;
            writer.Run.Listener.Detail($"{writer.Run.Result.Destination}: {writer.Item.RelativePath}{(unhealthy ? " and the rest of its part are" : " is")} copied on its own ({reason})");
            void Discard()
            {
                try
                {
                    writer.Stream.Dispose();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }

                writer.Run.TryDelete(writer.Temp);
            }

            // On a target that lags or does not answer, closing and removing the temp file would wait for it: the
            // others go on (what is left is swept by the next publish).
            if (unhealthy)
            {
                Task.Run(() =>
                {
                    // The target's outage began with this call: its own retries later get no fresh window.
                    if (failure is var (error, started))
                    {
                        writer.Run.NoteFailure(error, started);
                    }

                    Discard();
                });
            }
            else
            {
                Discard();
            }
        }

        foreach (var (run, item) in destinations.Where(d => !d.Run.Stopped && !d.Run.FellBehind))
        {
            string temp = run.NewTemp(item);
            DateTime started = _clock.UtcNow;
            try
            {
                writers.Add((run, item, temp, run.FileSystem.Create(temp)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Drop((run, item, temp, Stream.Null), e.Message, failure: (e, started));
            }
        }

        try
        {
            if (writers.Count == 0)
            {
                return settled;
            }

            string hash;
            using (Stream input = writers[0].Run.FileSystem.OpenRead(source))
            {
                hash = FileHasher.Hash(input, cancellation, (buffer, read) =>
                {
                    var took = new List<((Run Run, CopyItem Item, string Temp, Stream Stream) Writer, TimeSpan Time)>();
                    foreach (var writer in writers.ToList())
                    {
                        var watch = System.Diagnostics.Stopwatch.StartNew();
                        DateTime started = _clock.UtcNow;
                        try
                        {
                            writer.Stream.Write(buffer, 0, read);
                            took.Add((writer, watch.Elapsed));
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            Drop(writer, e.Message, failure: (e, started));
                        }
                    }

                    if (took.Count > 1)
                    {
                        TimeSpan fastest = took.Min(t => t.Time);
                        foreach (var (writer, time) in took.Where(t => t.Time > SlowWrite && t.Time.Ticks > 4 * fastest.Ticks))
                        {
                            Drop(writer, $"it wrote a block in {time.TotalSeconds:0.0} s, the fastest target in {fastest.TotalSeconds:0.0} s");
                        }
                    }

                    return writers.Count > 0;
                });
            }

            foreach (var writer in writers.ToList())
            {
                // Several calls follow (flush, close, time, rename): the outage is dated from the first.
                DateTime started = _clock.UtcNow;
                try
                {
                    FlushToDisk(writer.Stream);
                    writer.Stream.Dispose();
                    if (!writer.Run.Matches(writer.Item, hash))
                    {
                        writer.Run.TryDelete(writer.Temp);
                        writers.Remove(writer);
                        writer.Run.ReportSourceChanged(writer.Item.RelativePath);
                        settled.Add(writer.Item);
                        continue;
                    }

                    if (writer.Run.InstallOrHold(writer.Item, writer.Temp))
                    {
                        writer.Run.CountCopied(writer.Item);
                    }

                    writers.Remove(writer);
                    settled.Add(writer.Item);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Drop(writer, e.Message, failure: (e, started));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The source could not be read: each destination copies the file on its own and reports what it meets.
            writers.ToList().ForEach(writer => Drop(writer, e.Message));
        }
        finally
        {
            // Cancelled: no temp file of this file stays behind.
            writers.ToList().ForEach(writer => Drop(writer, "cancelled", unhealthy: false));
        }

        return settled;
    }

    /// <summary>A block written this much slower than the fastest target's (and more than 4 times slower) makes its target
    /// fall behind the shared copies.</summary>
    private static readonly TimeSpan SlowWrite = TimeSpan.FromSeconds(1);

    /// <summary>A temp file's bytes reach the disk before it is renamed over a final name (a bounded stream's flush is
    /// durable).</summary>
    private static void FlushToDisk(Stream stream)
    {
        if (stream is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
        else
        {
            stream.Flush();
        }
    }
}
