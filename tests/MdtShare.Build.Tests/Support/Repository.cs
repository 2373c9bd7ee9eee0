using System.Reflection;

namespace MdtShare.Build.Tests.Support;

/// <summary>The repository these tests were built from (docs, samples).</summary>
public static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
}
