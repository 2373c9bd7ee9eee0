using System.Diagnostics;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;

// mirror SOURCE DESTINATION [--parallelism N] [--compare Timestamp|Content]
if (args.Length < 3 || args[0] != "mirror")
{
    Console.Error.WriteLine("usage: MdtShare.Bench mirror SOURCE DESTINATION [--parallelism N] [--compare Timestamp|Content]");
    return 2;
}

string Option(string name, string fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

var options = new MirrorOptions(Path.GetFullPath(args[1]), Path.GetFullPath(args[2]))
{
    Parallelism = int.Parse(Option("--parallelism", MirrorOptions.DefaultParallelism.ToString())),
    Compare = Enum.Parse<CompareMode>(Option("--compare", nameof(CompareMode.Timestamp))),
    MaxDeletePercent = 100,
    AdoptExistingTarget = true,
};
var watch = Stopwatch.StartNew();
MirrorResult result = new MirrorEngine(new ConsoleListener()).Publish(options, CancellationToken.None);
Console.WriteLine($"{result.Copied} copied, {result.Updated} updated, {result.Deleted} deleted, {result.Skipped} unchanged, {result.Failed} failed, {result.BytesCopied} bytes, {watch.Elapsed.TotalSeconds:0.00} s");
return result.Succeeded ? 0 : 1;

internal sealed class ConsoleListener : IMirrorListener
{
    public void Report(Diagnostic diagnostic) => Console.Error.WriteLine(diagnostic);

    public void Detail(string message)
    {
    }

    public void Info(string message) => Console.Error.WriteLine(message);
}
