"""Loads a pack's OSCAL files with compliance-trestle (installed by `make test`): exit 0 and counts, or the error."""
import pathlib
import sys

from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

pack = pathlib.Path(sys.argv[1])
results = AssessmentResults.oscal_read(pack / "oscal" / "assessment-results.json")
poam = PlanOfActionAndMilestones.oscal_read(pack / "oscal" / "poam.json")
result = results.results[0]
print(f"assessment-results: {len(result.observations or [])} observations, {len(result.risks or [])} risks, {len(result.findings or [])} findings")
print(f"poam: {len(poam.poam_items)} items")
