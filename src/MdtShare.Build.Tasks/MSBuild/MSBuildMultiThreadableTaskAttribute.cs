namespace Microsoft.Build.Framework;

/// <summary>
/// Declares a task safe for MSBuild's in-process multithreaded mode (18.x). MSBuild matches the attribute by
/// namespace and name, so this copy works while we compile against MSBuild 17.11, which does not define it.
/// Conditions we keep: no paths resolved against the current directory, no environment writes, no global state.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class MSBuildMultiThreadableTaskAttribute : Attribute
{
}
