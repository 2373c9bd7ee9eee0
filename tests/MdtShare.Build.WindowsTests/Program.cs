using MdtShare.Build.WindowsTests.Support;
using Xunit.Runner.InProc.SystemConsole;

namespace MdtShare.Build.WindowsTests;

/// <summary>The test program, which is also every other process a test needs (a client holding a file open, a
/// publisher that is killed), so that they run under the same host: Wine, Mono or Windows.</summary>
internal static class Program
{
    public static int Main(string[] args) =>
        ChildRoles.IsFakeWdsutil ? ChildRoles.FakeWdsutil(args)
        : args.Length > 0 && ChildRoles.Find(args[0]) is { } role
            ? role(args.Skip(1).ToArray())
            : ConsoleRunner.Run(args).GetAwaiter().GetResult();
}
