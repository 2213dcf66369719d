using StaticOffload.Diagnostics;
using StaticOffload.Rules;

namespace StaticOffload.Tests.Rules;

public class HeaderValidationTests
{
    [Fact]
    public void Valid_headers_have_no_problem() =>
        Assert.Empty(HeaderValidation.Check("This file", "STANDARD_IA", "public-read", "max-age=60", "text/css", "br"));

    [Fact]
    public void Each_problem_names_its_subject_and_file_and_says_the_fix()
    {
        var problems = HeaderValidation.Check("StaticOffloadRule 'Assets'", "COLD", "everyone", "max-age=60\n", "text/css", "b\tr", "/p/a.css")
            .ToArray();

        Assert.Equal(
            [Messages.UnknownStorageClassCode, Messages.UnknownAclCode, Messages.InvalidHeaderValueCode, Messages.InvalidHeaderValueCode],
            problems.Select(p => p.Code));
        Assert.All(problems, p => Assert.StartsWith("StaticOffloadRule 'Assets' has ", p.Message));
        Assert.All(problems, p => Assert.Equal("/p/a.css", p.File));
        Assert.Contains("Use one of: STANDARD,", problems[0].Message);
        Assert.Contains("or leave it empty", problems[1].Message);
        Assert.Contains("CacheControl", problems[2].Message);
        Assert.Contains("ContentEncoding", problems[3].Message);
    }

    [Fact]
    public void Empty_storage_class_and_acl_mean_not_set() =>
        Assert.Empty(HeaderValidation.Check("This file", "", "", null, "text/css", null));
}
