package io.descent.cli.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.descent.cli.architecture.cycle.a.Ping;
import io.descent.transport.archfixture.ReachesUp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The build keeps the layering: every module's main classes (this module's test class path holds them all) against
 * {@link Layering}, and proof that each rule fails on a planted violation.
 */
class ArchitectureTest
{
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses()
    {
        // Test classes and the modules' test-jars are left out: only what ships is held to the layering.
        main = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.descent");
    }

    @Test
    void shouldSeeTheMainClassesOfEveryModule()
    {
        // The rules below would pass vacuously on a class path that lost a module.
        for (final String module : Layering.MODULES.keySet())
        {
            assertTrue(main.stream().anyMatch(c -> c.getPackageName().startsWith("io.descent." + module)),
                () -> "no main class of descent-" + module + " on the class path");
        }
        assertFalse(main.stream().anyMatch(c -> c.getSimpleName().endsWith("Test")), "test classes were imported");
    }

    @Test
    void shouldKeepEveryModuleFromReachingUp()
    {
        Layering.modulesReachOnlyDown().check(main);
    }

    @Test
    void shouldPlaceEveryClassInAModule()
    {
        Layering.everyClassInAModule().check(main);
    }

    @Test
    void shouldHaveNoPackageCycles()
    {
        Layering.noPackageCycles().check(main);
    }

    @Test
    void shouldShipNoTestDoubles()
    {
        Layering.noTestDoublesInMain().check(main);
    }

    @Test
    void shouldFailOnATransportClassThatUsesTheCluster()
    {
        final JavaClasses planted = new ClassFileImporter().importClasses(ReachesUp.class);
        assertTrue(Layering.modulesReachOnlyDown().evaluate(planted).hasViolation());
    }

    @Test
    void shouldFailOnAPackageCycle()
    {
        final String a = Ping.class.getPackageName();
        final JavaClasses planted = new ClassFileImporter().importPackages(a.substring(0, a.lastIndexOf('.')));
        assertTrue(Layering.noPackageCycles().evaluate(planted).hasViolation());
    }

    @Test
    void shouldFailOnATestDoubleAmongTheClasses()
    {
        final JavaClasses planted = new ClassFileImporter().importClasses(ReachesUp.FakeClock.class);
        assertTrue(Layering.noTestDoublesInMain().evaluate(planted).hasViolation());
    }
}
