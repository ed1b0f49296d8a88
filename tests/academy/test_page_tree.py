from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from academy.models import AcademyPage, InformationPage
from academy.services import onboard_city
from home.models import HomePage, PrivacyNoticePage


class PageTreeRulesTests(WagtailPageTestCase):
    def test_network_home_is_the_site_root(self):
        site = Site.objects.get(is_default_site=True)
        self.assertIsInstance(site.root_page.specific, HomePage)

    def test_home_page_only_holds_academies_and_the_privacy_notice(self):
        self.assertAllowedSubpageTypes(HomePage, {AcademyPage, PrivacyNoticePage})
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_academy_lives_under_the_network_home_only(self):
        self.assertAllowedParentPageTypes(AcademyPage, {HomePage})
        self.assertCanCreateAt(HomePage, AcademyPage)
        self.assertCanNotCreateAt(Page, AcademyPage)
        self.assertCanNotCreateAt(AcademyPage, AcademyPage)

    def test_academies_are_created_by_onboarding_not_in_the_page_editor(self):
        self.assertNotIn(AcademyPage, HomePage.creatable_subpage_models())

    def test_information_pages_nest_under_an_academy(self):
        self.assertAllowedParentPageTypes(InformationPage, {AcademyPage, InformationPage})
        self.assertAllowedSubpageTypes(InformationPage, {InformationPage})
        self.assertCanNotCreateAt(HomePage, InformationPage)

    def test_onboarded_academy_page_renders(self):
        result = onboard_city(
            city="Nice", country="FR", code="NCE", academy_name="Nice Municipal Police"
        )
        self.assertPageIsRenderable(result.academy)
        self.assertPageIsPreviewable(result.academy)
