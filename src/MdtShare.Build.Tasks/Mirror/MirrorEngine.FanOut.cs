using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;

namespace MdtShare.Build.Mirror;

internal sealed partial class MirrorEngine
{
    /// <summary>
    /// Reads one source file once and writes it to every destination's temp file as it goes, hashing it once.
    /// Each copy is then checked against its destination's manifest, closed, timed and renamed into place. A
    /// destination that fails a call (an outage, a target that stopped answering) or writes a block far slower than
    /// the fastest falls behind: it leaves the shared copies and copies its part on its own at once, with its own
    /// retries, so it holds the others back no longer than one call.
    /// </summary>
    private void FanOut(string source, List<(OwnPass Pass, CopyItem Item)> destinations, CancellationToken cancellation)
    {
        var writers = new List<Writer>();
        void Drop(Writer writer, string reason, bool unhealthy = true, (Exception Error, DateTime Started)? failure = null)
        {
            writers.Remove(writer);
            writer.Pass.GiveBack(writer.Item, fellBehind: unhealthy, failure);
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
                Task.Run(Discard);
            }
            else
            {
                Discard();
            }
        }

        foreach (var (pass, item) in destinations.Where(d => d.Pass.TryTake(d.Item)))
        {
            string temp = pass.Run.NewTemp(item);
            DateTime started = _clock.UtcNow;
            try
            {
                writers.Add(new Writer(pass, item, temp, pass.Run.FileSystem.Create(temp)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Drop(new Writer(pass, item, temp, Stream.Null), e.Message, failure: (e, started));
            }
        }

        try
        {
            if (writers.Count == 0)
            {
                return;
            }

            string hash;
            using (Stream input = writers[0].Run.FileSystem.OpenRead(source))
            {
                hash = FileHasher.Hash(input, cancellation, (buffer, read) =>
                {
                    var took = new List<(Writer Writer, TimeSpan Time)>();
                    foreach (Writer writer in writers.ToList())
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

            foreach (Writer writer in writers.ToList())
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
                        writer.Run.ReportSourceChanged(writer.Item.RelativePath);
                    }
                    else if (writer.Run.InstallOrHold(writer.Item, writer.Temp))
                    {
                        writer.Run.CountCopied(writer.Item);
                    }

                    writers.Remove(writer);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Drop(writer, e.Message, failure: (e, started));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The source could not be read, which is no target's fault: each destination copies the file on its own
            // and reports what it meets.
            writers.ToList().ForEach(writer => Drop(writer, e.Message, unhealthy: false));
        }
        finally
        {
            // Cancelled: no temp file of this file stays behind.
            writers.ToList().ForEach(writer => Drop(writer, "cancelled", unhealthy: false));
        }
    }

    /// <summary>One destination's temp file of a shared copy.</summary>
    private sealed record Writer(OwnPass Pass, CopyItem Item, string Temp, Stream Stream)
    {
        public Run Run => Pass.Run;
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
