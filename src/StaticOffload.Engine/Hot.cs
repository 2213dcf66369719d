using System.Runtime.CompilerServices;

namespace StaticOffload;

/// <summary>
/// For the few methods that loop once over every file of a build. A task runs in a fresh MSBuild process, so the
/// JIT first compiles them unoptimized (tier 0) and would only replace them after thousands of iterations; asking
/// for full optimization up front is cheaper on 10,000 files.
/// </summary>
internal static class Hot
{
    public const MethodImplOptions Loop = MethodImplOptions.AggressiveOptimization;
}
