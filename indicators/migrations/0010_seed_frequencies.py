"""The seed's year-only indicators are 年报 (reported at month 12).

The 2023 work summary gives these only as the year's figure ("今年", "今年以来", "2023年",
"截至目前" or no month at all), recorded at month 12: 亩产, the year's counts and amounts, the
land survey's totals. 0009 made every indicator 月报, so each was owed a figure every month
and listed as 未填报. Only an indicator still at 月报 is changed (an admin's choice is kept);
the codes are written out here, as the seed's data (indicators/seed/data.py YEARLY) said them
when this migration was written.
"""

from django.db import migrations

YEARLY = [
    "enterprise_feedback_firms",
    "enterprise_feedback_items",
    "enterprise_land_power_survey",
    "grid_party_representatives",
    "grid_local_worthies",
    "grids",
    "grid_visitors_received",
    "grid_suggestions_received",
    "micro_grids",
    "grid_service_dispatches",
    "agri_training_sessions",
    "agri_training_trainees",
    "reclamation_task_area",
    "reclamation_projects",
    "reclamation_project_area",
    "paddy_creation_area",
    "land_parcels_surveyed",
    "land_parcels_transferred",
    "land_certificates_issued",
    "land_certification_rate",
    "satellite_enforcement_rectified",
    "demolition_area",
    "rice_demo_bases",
    "rice_demo_area",
    "rice_demo_yield",
    "early_rice_insurance_area",
    "bayberry_insurance_area",
    "star_beautiful_villages",
    "provincial_beautiful_villages",
    "temporary_vending_points",
    "village_toilets_upgraded",
    "health_education_events",
    "health_education_sites",
    "health_education_fans",
    "sanitation_campaigns",
    "temporary_relief_recipients",
    "temporary_relief_amount",
    "veteran_condolence_persons",
    "veteran_condolence_amount",
    "veteran_dibao_enrolled",
    "veteran_hardship_subsidy",
    "veteran_living_allowance",
    "double_support_points",
    "five_star_culture_halls",
    "culture_hall_upgrades",
    "news_articles",
    "safety_accidents",
    "safety_casualties",
    "safety_inspections",
    "safety_hazards_found",
    "safety_hazard_rectification_rate",
    "safety_enforcement_documents",
    "safety_rectification_orders",
    "safety_training_sessions",
    "safety_training_trainees",
    "safety_leaflets",
    "safety_banners",
    "tutoring_institution_inspections",
    "petitions",
]


def make_yearly(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(code__in=YEARLY, frequency="monthly").update(frequency="yearly")


def make_monthly(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Indicator.objects.filter(code__in=YEARLY, frequency="yearly").update(frequency="monthly")


class Migration(migrations.Migration):
    dependencies = [("indicators", "0009_units_frequency_codes")]

    operations = [migrations.RunPython(make_yearly, make_monthly)]
