package io.descent.cli;

import picocli.CommandLine;

/** Reports the version of the running jar. */
final class VersionProvider implements CommandLine.IVersionProvider
{
    @Override
    public String[] getVersion()
    {
        final String version = DescentCli.class.getPackage().getImplementationVersion();
        return new String[]{ "descent " + (null == version ? "(development build)" : version) };
    }
}
